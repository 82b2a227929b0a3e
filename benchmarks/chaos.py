"""``make chaos``: the estate stays true while the network, the broker and the workers fail.

Against ``make run``'s real processes (the sandboxes, the web server, a Celery worker and beat, on
PostgreSQL and a Redis of its own when this machine has them, else SQLite and the file broker), it
asks for about 5,000 mixed operations over every vendor that has an adapter, through the same
services the console uses, while every sandbox fails a fifth of the calls (5xx, timeouts, dropped
connections, lost responses, throttling, failing asynchronous actions). Meanwhile the worker is
SIGKILLed twice and restarted, and Redis is restarted once. Then it checks, from the panel's rows
and from what each sandbox holds (``/_sandbox/<vendor>/keys``):

* ``final``: operations that ended (succeeded, failed or cancelled); the target is all of them;
* ``duplicates``: objects the vendors hold twice (0);
* ``lost``: changes neither at the vendor nor failed with an alert (0);
* ``failed_without_alert`` (0);
* ``overlapping_runs``: operations whose attempts overlapped in time, i.e. ran in two workers at
  once (0);
* ``seconds_to_converge``: from the first request to the last operation ending.

It writes var/bench/chaos.json and exits non-zero when a target is missed. Traffic goes only to
127.0.0.1. ``python -m benchmarks.chaos --operations 500`` runs a smaller round.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RUN_DIR = BASE_DIR / "var" / "chaos"
OUT = BASE_DIR / "var" / "bench" / "chaos.json"
PG_URL = "postgres://postgres@127.0.0.1:5432/panel_chaos"

# The engine's waits shortened so a run takes minutes, not hours; the logic is the same.
ENGINE_ENV = {
    "PROVISIONING_BACKOFF_SECONDS": "0.5", "PROVISIONING_BACKOFF_CAP_SECONDS": "5",
    "PROVISIONING_CLAIM_SECONDS": "30", "PROVISIONING_REDISPATCH_SECONDS": "8",
    "PROVISIONING_MAX_ATTEMPTS": "14", "PROVISIONING_SWEEP_SECONDS": "3",
    "VENDOR_READ_TIMEOUT": "2", "VENDOR_CONNECT_TIMEOUT": "2", "CELERY_BROKER_POLLING_INTERVAL": "0.05",
}
# About one call in five fails, one way or another.
FAULTS = [
    {"kind": "status", "status": 503, "rate": 0.05},
    {"kind": "timeout", "timeout": 3, "rate": 0.02},
    {"kind": "drop", "rate": 0.04},
    {"kind": "drop_after", "rate": 0.04},
    {"kind": "throttle", "rate": 0.03},
    {"kind": "latency", "latency": 0.3, "rate": 0.02},
]
# Failing asynchronous actions where the vendor documents them (SYNAQ's actions end in "error"). BaseKit's
# doc has no failing state: its sandbox's action_error leaves a mailbox pending for ever, which the panel
# follows with an alert while it keeps looking (tests/vendors/test_basekit.py), so it never "ends".
ACTION_FAULTS = {"synaq": {"kind": "action_error", "rate": 0.01}}
ROOT_ID_KEYS = {"synaq": "reseller_guid", "greenview": "reseller_id", "hostway": "account",
                "rackspace": "account", "basekit": "account_holder_ref"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_available() -> bool:
    return shutil.which("pg_isready") is not None and subprocess.run(
        ["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


class Process:
    """One of the panel's processes, in its own process group so a kill takes its children too."""

    def __init__(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self.name, self.args, self.env = name, args, env
        self.log = RUN_DIR / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self, ready: str | None = None, timeout: float = 60) -> Process:
        with open(self.log, "a") as log:
            self.popen = subprocess.Popen(self.args, cwd=BASE_DIR, env=self.env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        if ready:
            deadline = time.monotonic() + timeout
            while ready not in self.log.read_text(errors="replace"):
                if self.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")
                time.sleep(0.2)
        return self

    def signal(self, sig: int) -> None:
        if self.popen and self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        if self.popen is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


class Redis:
    """A Redis of the run's own on a free port, so restarting it disturbs nobody else's."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Process | None = None

    def start(self) -> None:
        self.process = Process("redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
                                         "--save", "", "--appendonly", "no", "--dir", str(RUN_DIR)], dict(os.environ))
        self.process.start(ready="Ready to accept connections")

    def restart(self) -> None:
        self.process.signal(signal.SIGKILL)
        self.process.popen.wait(timeout=10)
        time.sleep(1)
        self.start()

    def stop(self) -> None:
        if self.process:
            self.process.stop()


def _fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


class Chaos:
    def __init__(self, operations: int, deadline: float) -> None:
        self.target_operations = operations
        self.deadline = deadline
        self.processes: dict[str, Process] = {}
        self.redis: Redis | None = None
        self.events: list[str] = []

    # ---- the processes ----------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        shutil.rmtree(RUN_DIR, ignore_errors=True)
        RUN_DIR.mkdir(parents=True)
        env = dict(os.environ, PANEL_ENV="development", PANEL_VAR_DIR=str(RUN_DIR), DEBUG="false",
                   PYTHONPATH=str(BASE_DIR), DJANGO_SETTINGS_MODULE="panel.settings", **ENGINE_ENV)
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        if _pg_available():
            _fresh_database(PG_URL)
            env["DATABASE_URL"] = PG_URL
            if shutil.which("redis-server"):
                self.redis = Redis()
                self.redis.start()
                env["REDIS_URL"] = self.redis.url
        self.sandbox_port, self.web_port = _free_port(), _free_port()
        env["SANDBOX_URL"] = f"http://127.0.0.1:{self.sandbox_port}"
        return env

    def start(self, env: dict[str, str]) -> None:
        self.env = env
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True)
        self.processes["sandbox"] = Process("sandbox", [PYTHON, "-m", "sandbox", "--port", str(self.sandbox_port),
                                                        "--quiet"], env).start()
        self._wait_http(f"{env['SANDBOX_URL']}/_sandbox/config")
        self.processes["web"] = Process("web", [PYTHON, "manage.py", "runserver", f"127.0.0.1:{self.web_port}",
                                                "--noreload"], env).start()
        self._wait_http(f"http://127.0.0.1:{self.web_port}/login/")
        self.processes["beat"] = Process("beat", [PYTHON, "-m", "celery", "-A", "panel", "beat", "--loglevel=INFO",
                                                  "-s", str(RUN_DIR / "beat-schedule")], env).start()
        self.start_worker()

    def start_worker(self) -> None:
        # As Procfile.dev runs it: supervised (started again if it dies), prefork, two processes (two cores).
        self.processes["worker"] = Process("worker", [
            PYTHON, "-m", "panel.supervise", PYTHON, "-m", "celery", "-A", "panel", "worker", "--loglevel=INFO",
            "--concurrency=2", "--without-gossip", "--without-mingle"], self.env).start(ready="ready.", timeout=90)

    def stop(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()
        if self.redis:
            self.redis.stop()

    @staticmethod
    def _wait_http(url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer")

    # ---- the sandboxes ----------------------------------------------------------------------
    def control(self, path: str, method: str = "GET", body: dict | None = None):
        response = requests.request(method, f"{self.env['SANDBOX_URL']}/_sandbox/{path}", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def arm_faults(self, vendors: list[str]) -> None:
        for vendor in vendors:
            for fault in FAULTS:
                self.control(f"{vendor}/faults", "POST", fault)
            if vendor in ACTION_FAULTS:
                self.control(f"{vendor}/faults", "POST", ACTION_FAULTS[vendor])

    def disarm_faults(self, vendors: list[str]) -> None:
        for vendor in vendors:
            self.control(f"{vendor}/faults", "DELETE")

    # ---- the run ----------------------------------------------------------------------------
    def run(self) -> dict:
        env = self.environment()
        os.environ.update({k: v for k, v in env.items() if k not in os.environ or k in (
            "PANEL_ENV", "PANEL_VAR_DIR", "DATABASE_URL", "REDIS_URL", "SANDBOX_URL", "DEBUG", *ENGINE_ENV)})
        for name in ("DATABASE_URL", "REDIS_URL"):
            if name not in env:
                os.environ.pop(name, None)
        try:
            self.start(env)
            import django

            django.setup()
            from benchmarks import chaos_workload

            config = self.control("config")["vendors"]
            accounts = chaos_workload.vendor_accounts(config, env["SANDBOX_URL"], ROOT_ID_KEYS)
            vendors = sorted(accounts)
            catalogs = chaos_workload.catalogs(accounts)
            adopted = chaos_workload.adopt_domains(accounts, self.control)
            self.events.append(f"adopted domains the sandboxes hold: {adopted}")
            before = {vendor: self.control(f"{vendor}/keys") for vendor in vendors}
            self.arm_faults(vendors)
            started = time.monotonic()
            plan = chaos_workload.ask(accounts, catalogs, total=self.target_operations)
            asked = time.monotonic() - started
            self.events.append(f"asked for {plan['operations']} operations in {asked:.0f} s: {plan['by_vendor']}")
            print(f"[chaos] {self.events[-1]}", flush=True)
            converged = self.watch(plan["operations"], started)
            seconds = time.monotonic() - started
            self.disarm_faults(vendors)
            keys = {vendor: self.control(f"{vendor}/keys") for vendor in vendors}
            result = chaos_workload.verdict(before, keys, accounts)
            result.update(seconds_to_converge=round(seconds, 1) if converged else None, converged=converged,
                          vendors=vendors, worker_kills=sum("killed" in e for e in self.events),
                          redis_restarts=sum("Redis restarted" in e for e in self.events),
                          database="postgresql" if "DATABASE_URL" in env else "sqlite",
                          broker="redis" if self.redis else "filesystem", events=self.events,
                          web_dashboard=self.dashboard_says())
            return result
        finally:
            self.stop()

    def watch(self, total: int, started: float) -> bool:
        """Wait for every operation to end, killing the worker twice and restarting Redis once."""
        from benchmarks.chaos_workload import open_count

        disruptions = [(0.25, self.kill_worker), (0.45, self.restart_redis), (0.65, self.kill_worker)]
        last_print = 0.0
        while time.monotonic() - started < self.deadline:
            still_open = open_count()
            done = 1 - still_open / max(total, 1)
            while disruptions and done >= disruptions[0][0]:
                _, disrupt = disruptions.pop(0)
                disrupt(done)
            if still_open == 0 and not disruptions:
                return True
            if still_open == 0:  # ended before a disruption came due: disrupt anyway, nothing may break
                disruptions.pop(0)[1](done)
            if time.monotonic() - last_print > 15:
                last_print = time.monotonic()
                print(f"[chaos] {time.monotonic() - started:5.0f} s: {total - still_open}/{total} final", flush=True)
            time.sleep(1)
        return False

    def kill_worker(self, done: float) -> None:
        self.processes["worker"].signal(signal.SIGKILL)
        self.processes["worker"].popen.wait(timeout=10)
        self.events.append(f"worker killed (SIGKILL) at {done:.0%} final")
        print(f"[chaos] {self.events[-1]}", flush=True)
        time.sleep(2)
        self.start_worker()

    def restart_redis(self, done: float) -> None:
        if not self.redis:
            self.events.append("no Redis on this run (file-system broker): nothing to restart")
            return
        self.redis.restart()
        self.events.append(f"Redis restarted at {done:.0%} final (its queue lost: it keeps nothing on disk)")
        print(f"[chaos] {self.events[-1]}", flush=True)

    def dashboard_says(self) -> str:
        """What the web process's dashboard counts once the run has ended (it must be honest)."""
        from benchmarks.chaos_workload import dashboard_words

        return dashboard_words(f"http://127.0.0.1:{self.web_port}")


TARGETS = {"duplicates": 0, "lost": 0, "failed_without_alert": 0, "overlapping_runs": 0}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--operations", type=int, default=5000)
    parser.add_argument("--deadline", type=float, default=2400, help="seconds to wait for convergence")
    args = parser.parse_args(argv)
    result = Chaos(args.operations, args.deadline).run()
    misses = [f"{name} = {result[name]} (target {want})" for name, want in TARGETS.items() if result[name] != want]
    if result["final"] != result["operations"]:
        misses.append(f"final = {result['final']} of {result['operations']}")
    if result["worker_kills"] < 2:
        misses.append(f"the worker was killed {result['worker_kills']} times, not twice")
    result["targets_met"] = not misses
    result["misses"] = misses
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "events"}, indent=2))
    print(f"[chaos] written to {OUT.relative_to(BASE_DIR)}; " + ("all targets met" if not misses else
                                                                "MISSED: " + "; ".join(misses)))
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
