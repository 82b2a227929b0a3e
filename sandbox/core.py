"""The machinery every vendor sandbox shares: clock, scheduler, faults, counters, dispatch.

A vendor module subclasses :class:`VendorSandbox`, declares its werkzeug routes and writes one
``on_<endpoint>`` handler per route. The :class:`SandboxApp` mounts every vendor under its prefix,
applies injected faults around the vendor's handler and serves the control surface under
``/_sandbox``. Nothing here imports Django or the panel: the sandboxes stand for the vendors, and
the vendors know nothing of us.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import random
import re
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

CONTROL_PREFIX = "/_sandbox"

# The longest a "timeout" fault holds a connection, so a forgotten fault cannot hang a test run.
MAX_TIMEOUT_SECONDS = 120.0


class Clock:
    """Wall time plus an offset that tests can advance (token expiry, rate windows, delays)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += float(seconds)

    def reset(self) -> None:
        self.offset = 0.0


class Scheduler:
    """Changes that happen by themselves after a delay, applied lazily on the next request.

    Vendors schedule ``fn`` to run at ``due`` (clock time); :meth:`run_due` runs whatever is due
    before each request is handled, so a sandbox needs no background thread and honours
    :meth:`Clock.advance` at once.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()

    def at(self, due: float, fn: Callable[[], None]) -> None:
        heapq.heappush(self._heap, (due, next(self._seq), fn))

    def after(self, delay: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` ``delay`` seconds from now; a delay of 0 runs it before the next request."""
        self.at(self.clock.now() + max(0.0, float(delay)), fn)

    def run_due(self) -> None:
        now = self.clock.now()
        while self._heap and self._heap[0][0] <= now:
            _, _, fn = heapq.heappop(self._heap)
            fn()

    def clear(self) -> None:
        self._heap.clear()


FAULT_KINDS = {
    "latency": "sleep `latency` seconds, then answer normally",
    "status": "answer `status` (500, 502, 503, 429, ...) in the vendor's error shape; `retry_after` adds Retry-After",
    "throttle": "answer with the vendor's own throttling response (e.g. Rackspace's 403 'Exceeded request limits')",
    "drop": "close the connection without answering; the request is not handled",
    "drop_after": "handle the request, then close the connection without answering (a lost response)",
    "timeout": "hold the connection `timeout` seconds (default 30), then close it unanswered",
    "malformed": "handle the request, then answer 200 with a body that is not valid JSON/XML",
    "no_location": "handle the request, then strip the Location header from the answer",
    "action_error": "the next asynchronous action (whose name matches `action`, e.g. 'Prune') ends in `error`",
}


@dataclass
class FaultRule:
    """One injected fault. It fires for the next ``next`` matching calls, or at ``rate`` (0..1)."""

    kind: str
    next: int | None = None
    rate: float | None = None
    method: str | None = None
    path: str | None = None  # regular expression searched in the path below the vendor prefix
    action: str | None = None  # for action_error: the action name, e.g. "Prune"; None = any
    status: int = 503
    retry_after: int | None = None
    latency: float = 1.0
    timeout: float = 30.0
    message: str = "Injected fault"
    id: int = 0
    fired: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.kind, str) or self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(FAULT_KINDS)}")
        for name in ("method", "path", "action", "message"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string")
        for name, low, high in (("next", 0, 10**9), ("status", 100, 599), ("retry_after", 0, 86400)):
            value = getattr(self, name)
            whole = isinstance(value, int) and not isinstance(value, bool)
            if value is not None and not (whole and low <= value <= high):
                raise ValueError(f"{name} must be a whole number between {low} and {high}")
        for name, high in (("rate", 1.0), ("latency", MAX_TIMEOUT_SECONDS), ("timeout", MAX_TIMEOUT_SECONDS)):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not 0 <= value <= high:
                raise ValueError(f"{name} must be a number between 0 and {high:g}")
        if self.next is None and self.rate is None:
            self.next = 1
        if self.path:
            try:
                re.compile(self.path)
            except re.error as exc:
                raise ValueError(f"path is not a regular expression: {exc}") from exc

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return not (self.path and not re.search(self.path, path))

    @property
    def exhausted(self) -> bool:
        return self.next is not None and self.next <= 0


class Faults:
    """The faults injected into one vendor, drawn deterministically from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def add(self, **spec: Any) -> FaultRule:
        rule = FaultRule(**{k: v for k, v in spec.items() if k not in {"id", "fired"}})
        rule.id = next(self._ids)
        with self._lock:
            self.rules.append(rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def _fire(self, rule: FaultRule) -> bool:
        if rule.rate is not None and rule.next is None:
            hit = self.rng.random() < float(rule.rate)
        else:
            hit = True
        if hit:
            rule.fired += 1
            if rule.next is not None:
                rule.next -= 1
        return hit

    def for_request(self, method: str, path: str) -> list[FaultRule]:
        """The transport-level faults that fire for this call (consumes ``next`` counts)."""
        fired = []
        with self._lock:
            for rule in self.rules:
                if rule.kind == "action_error" or rule.exhausted or not rule.matches(method, path):
                    continue
                if self._fire(rule):
                    fired.append(rule)
            self.rules = [r for r in self.rules if not r.exhausted]
        return fired

    def take_action_error(self, action: str) -> FaultRule | None:
        """The fault (truthy) if one says this asynchronous action must end in ``error``, else None."""
        with self._lock:
            for rule in self.rules:
                if rule.kind != "action_error" or rule.exhausted:
                    continue
                if rule.action and rule.action.lower() != action.lower():
                    continue
                if self._fire(rule):
                    self.rules = [r for r in self.rules if not r.exhausted]
                    return rule
        return None

    def describe(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self.rules]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer; ``None`` data with 204 gives an empty body."""
    if status == 204 or data is None:
        return Response(status=status, headers=headers)
    return Response(json.dumps(data), status=status, headers=headers, content_type="application/json")


def read_json(request: Request) -> Any:
    """The request's JSON body, or ``None`` when it is empty; raises ValueError when malformed (nested
    too deeply included: a real server refuses such a body, it does not crash on it)."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return None
    return loads(raw)


def loads(raw: bytes | str) -> Any:
    """``json.loads`` that answers ValueError, never RecursionError, for absurdly nested input."""
    try:
        return json.loads(raw)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc


class VendorSandbox:
    """Base for one vendor's simulator.

    Subclasses set :attr:`name` (also the URL prefix), return their werkzeug :class:`Rule` list
    from :meth:`routes` (``endpoint`` = handler suffix: endpoint ``"domain_get"`` is served by
    ``on_domain_get(request, **url_values)``), build their demo estate in :meth:`reset`, and
    implement :meth:`config`, :meth:`authenticate`, :meth:`error` and :meth:`seed`. The base
    serialises requests with one lock, runs scheduled changes before each request, and counts
    calls per route as ``"METHOD /rule/path"``.
    """

    name: str = "vendor"
    # Endpoints served without authentication (e.g. public sign-up).
    public_endpoints: frozenset[str] = frozenset()
    # Most vendors authenticate before routing; one whose framework routes first says so here.
    routes_before_auth: bool = False
    # Named delays in seconds (e.g. {"action": 2.0}); the control surface can change them.
    default_delays: dict[str, float] = {}

    def __init__(self, *, clock: Clock, rng: random.Random, seed: str = "") -> None:
        self.clock = clock
        self.rng = rng
        self.seed_value = seed
        self.lock = threading.RLock()
        self.scheduler = Scheduler(clock)
        self.faults = Faults(rng)
        self.counters: Counter[str] = Counter()
        self.delays: dict[str, float] = dict(self.default_delays)
        self.url_map = Map(self.routes(), strict_slashes=False, merge_slashes=False)
        self.reset()

    # ---- what a vendor module provides -------------------------------------------------------
    def routes(self) -> list[Rule]:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget everything and build the small demo estate with the fixed demo credentials."""
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        """``{"credentials": {...}, "seeded": {...}}`` for ``--print-config``."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> Response | None:
        """None when the request's credentials are good, else the vendor's refusal."""
        return None

    def error(self, status: int, message: str, **extra: Any) -> Response:
        """An error in this vendor's documented shape."""
        return json_response({"code": status, "message": message, **extra}, status)

    def throttle_response(self) -> Response:
        """The vendor's own answer to too many requests."""
        return self.error(429, "Too Many Requests")

    def seed(self, **params: Any) -> dict[str, Any]:
        """Add a large estate (``customers``, ``domains``, ``mailboxes``...); returns a summary."""
        raise NotImplementedError

    def keys(self) -> dict[str, list[str]]:
        """The natural key of every object the vendor holds, by type, for the control surface: a
        harness in another process counts duplicates (a key held twice) and finds what is missing."""
        return {}

    def stats(self) -> dict[str, Any]:
        """Counts of what the vendor holds, for the control surface."""
        return {}

    # ---- shared helpers ----------------------------------------------------------------------
    def new_guid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def delay(self, name: str) -> float:
        """A named delay in seconds; a ``[low, high]`` pair draws one uniformly (seeded) each time."""
        value = self.delays.get(name, 0.0)
        if isinstance(value, (list, tuple)):
            return self.rng.uniform(float(value[0]), float(value[1]))
        return float(value)

    def full_reset(self) -> None:
        with self.lock:
            self.scheduler.clear()
            self.faults.clear()
            self.counters.clear()
            self.delays = dict(self.default_delays)
            # Re-seed, so ids and fault draws after a reset repeat those after start.
            self.rng.seed(self.seed_value)
            self.reset()

    def dispatch(self, request: Request, path: str) -> Response:
        """Route ``path`` (below the vendor prefix) to its handler under the vendor's lock."""
        adapter = self.url_map.bind("sandbox", path_info=path, url_scheme="http")
        # Like the vendors, authenticate before routing: a request without good credentials learns
        # nothing about which paths or methods exist (only public endpoints skip it).
        endpoint, values, refusal = None, {}, None
        try:
            endpoint, values = adapter.match(path, method=request.method)
        except MethodNotAllowed as exc:
            refusal = self.error(405, "Method Not Allowed")
            refusal.headers["Allow"] = ", ".join(sorted(exc.valid_methods or []))
        except NotFound:
            refusal = self.error(404, "Not Found")
        except HTTPException as exc:  # e.g. a redirect for a trailing slash
            refusal = exc.get_response()
        with self.lock:
            self.scheduler.run_due()
            if refusal is not None and self.routes_before_auth:
                return refusal
            if endpoint not in self.public_endpoints:
                refused = self.authenticate(request)
                if refused is not None:
                    return refused
            if refusal is not None:
                return refusal
            rule = adapter.match(path, method=request.method, return_rule=True)[0]
            self.counters[f"{request.method} {rule.rule}"] += 1
            handler = getattr(self, f"on_{endpoint}")
            try:
                return handler(request, **values)
            except Answer as answer:
                return answer.response
            except BadRequestBody as exc:
                return self.error(400, str(exc))


MAX_CLOCK_STEP = 10 * 365 * 86400  # ten years: far enough for any expiry, finite for every scheduler


def _clock_step(value: Any) -> float:
    """How far to move the clock: a finite number of seconds, forward, at most ten years."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("advance must be a number of seconds")
    seconds = float(value)
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_CLOCK_STEP:
        raise ValueError(f"advance must be between 0 and {MAX_CLOCK_STEP} seconds")
    return seconds


def _delay_value(value: Any) -> float | list[float]:
    """A delay from the control surface: seconds, or a ``[low, high]`` range; finite and not negative."""
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError("a delay range is [low, high]")
        low, high = (_delay_value(v) for v in value)
        if low > high:
            raise ValueError("a delay range needs low <= high")
        return [low, high]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a delay is a number of seconds")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or seconds > 3600:
        raise ValueError("a delay is between 0 and 3600 seconds")
    return seconds


class BadRequestBody(Exception):
    """Raised by a handler when the body cannot be parsed; answered as the vendor's 400."""


class Answer(Exception):  # noqa: N818 (it is an answer, not an error)
    """Raised from anywhere inside a handler to end the request with ``response`` at once."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def parse_json_body(request: Request) -> Any:
    try:
        return read_json(request)
    except ValueError as exc:
        raise BadRequestBody(f"Invalid JSON body: {exc}") from exc


class SandboxApp:
    """The WSGI application serving every vendor under its prefix, plus the control surface."""

    def __init__(self, vendor_classes: list[type[VendorSandbox]], *, seed: int = 0) -> None:
        self.seed = seed
        self.clock = Clock()
        self.vendors: dict[str, VendorSandbox] = {}
        for i, cls in enumerate(vendor_classes):
            vendor_seed = f"{seed}:{i}:{cls.name}"
            vendor = cls(clock=self.clock, rng=random.Random(vendor_seed), seed=vendor_seed)
            self.vendors[vendor.name] = vendor

    def vendor(self, name: str) -> VendorSandbox:
        return self.vendors[name]

    def config(self) -> dict[str, Any]:
        return {name: {"prefix": f"/{name}", **v.config()} for name, v in self.vendors.items()}

    def reset(self) -> None:
        self.clock.reset()
        for vendor in self.vendors.values():
            vendor.full_reset()

    # ---- WSGI --------------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> Any:
        request = Request(environ)
        path = request.path
        if path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/"):
            response = self.control(request, path[len(CONTROL_PREFIX):].strip("/"))
        else:
            name, _, rest = path.lstrip("/").partition("/")
            vendor = self.vendors.get(name)
            if vendor is None:
                response = json_response({"error": f"no sandbox at /{name}", "sandboxes": sorted(self.vendors)}, 404)
            else:
                response = self.call_vendor(vendor, request, environ, "/" + rest)
        return response(environ, start_response)

    def call_vendor(self, vendor: VendorSandbox, request: Request, environ: dict, path: str) -> Response:
        fired = vendor.faults.for_request(request.method, path)
        kinds = {r.kind: r for r in fired}
        if "latency" in kinds:
            time.sleep(kinds["latency"].latency)
        if "timeout" in kinds:
            time.sleep(min(kinds["timeout"].timeout, MAX_TIMEOUT_SECONDS))
            return self._drop(environ)
        if "drop" in kinds:
            return self._drop(environ)
        if "throttle" in kinds:
            return vendor.throttle_response()
        if "status" in kinds:
            rule = kinds["status"]
            response = vendor.error(rule.status, rule.message)
            if rule.retry_after is not None:
                response.headers["Retry-After"] = str(rule.retry_after)
            return response
        response = vendor.dispatch(request, path)
        if "drop_after" in kinds:
            return self._drop(environ)
        if "no_location" in kinds:
            response.headers.pop("Location", None)
            response.headers.pop("location", None)
        if "malformed" in kinds:
            return Response('{"truncated": [1, 2', status=200, content_type=response.content_type or "application/json")
        return response

    @staticmethod
    def _drop(environ: dict) -> Response:
        """Close the client's connection so it sees a reset instead of an answer."""
        sock = environ.get("werkzeug.socket")
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        # Whatever we return can no longer reach the client.
        return Response(status=500)

    # ---- control surface ---------------------------------------------------------------------
    def control(self, request: Request, path: str) -> Response:
        """``/_sandbox/...``: configuration, reset, clock, and per-vendor seed/faults/delays/counters."""
        try:
            body = read_json(request)
        except ValueError as exc:
            return json_response({"error": f"invalid JSON: {exc}"}, 400)
        if body is None and not request.get_data(cache=True).strip():
            body = {}  # no body at all: nothing to change
        if not isinstance(body, dict):
            return json_response({"error": "the body must be a JSON object"}, 400)
        parts = [p for p in path.split("/") if p]
        method = request.method
        try:
            if parts == [] or parts == ["config"]:
                return json_response({"seed": self.seed, "vendors": self.config(), "fault_kinds": FAULT_KINDS})
            if parts == ["reset"] and method == "POST":
                self.reset()
                return json_response({"reset": True})
            if parts == ["clock"]:
                if method == "POST":
                    self.clock.advance(_clock_step(body.get("advance", 0)))
                return json_response({"now": self.clock.now(), "offset": self.clock.offset})
            if not parts or parts[0] not in self.vendors:
                return json_response({"error": "unknown control path", "sandboxes": sorted(self.vendors)}, 404)
            vendor = self.vendors[parts[0]]
            what = parts[1] if len(parts) > 1 else "stats"
            with vendor.lock:
                return self._vendor_control(vendor, what, method, body)
        except (TypeError, ValueError) as exc:
            return json_response({"error": str(exc)}, 400)

    def _vendor_control(self, vendor: VendorSandbox, what: str, method: str, body: dict) -> Response:
        if what == "stats":
            return json_response({"name": vendor.name, **vendor.stats()})
        if what == "keys":
            return json_response(vendor.keys())
        if what == "counters":
            if method == "DELETE":
                vendor.counters.clear()
            return json_response(dict(vendor.counters))
        if what == "faults":
            if method == "POST":
                rule = vendor.faults.add(**body)
                return json_response(asdict(rule), 201)
            if method == "DELETE":
                vendor.faults.clear()
            return json_response(vendor.faults.describe())
        if what == "delays":
            if method == "POST":
                vendor.delays.update({k: _delay_value(v) for k, v in body.items()})
            return json_response(vendor.delays)
        if what == "seed" and method == "POST":
            started = time.perf_counter()
            summary = vendor.seed(**body)
            return json_response({**summary, "seconds": round(time.perf_counter() - started, 3)})
        if what == "reset" and method == "POST":
            vendor.full_reset()
            return json_response({"reset": vendor.name})
        return json_response({"error": f"unknown control {what!r} for {method}"}, 404)
