"""``python -m sandbox``: serve all five vendor sandboxes on one port.

Examples::

    python -m sandbox --port 8100
    python -m sandbox --print-config
    python -m sandbox --delay synaq.action=3 --fault "synaq:kind=action_error,action=Prune,next=1"
    python -m sandbox --estate "synaq:domains=10000,mailboxes=100000"
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from sandbox import VENDOR_MODULES, build_app
from sandbox.core import CONTROL_PREFIX, FAULT_KINDS


def _parse_pairs(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for pair in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = pair.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"expected key=value, got {pair!r}")
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def _vendor_spec(text: str) -> tuple[str, dict[str, object]]:
    vendor, sep, rest = text.partition(":")
    if not sep or vendor not in VENDOR_MODULES:
        raise argparse.ArgumentTypeError(f"expected VENDOR:key=value,... with VENDOR in {', '.join(VENDOR_MODULES)}")
    return vendor, _parse_pairs(rest)


def _delay(text: str) -> tuple[str, str, float]:
    name, sep, seconds = text.partition("=")
    vendor, dot, delay = name.partition(".")
    if not sep or not dot or vendor not in VENDOR_MODULES:
        raise argparse.ArgumentTypeError("expected VENDOR.NAME=SECONDS, e.g. synaq.action=2")
    return vendor, delay, float(seconds)


def build_parser() -> argparse.ArgumentParser:
    kinds = "\n".join(f"  {k:<13} {v}" for k, v in FAULT_KINDS.items())
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Serve simulators of the SYNAQ, Greenview Data, Hostway, Rackspace Email and BaseKit APIs\n"
            "under /synaq, /greenview, /hostway, /rackspace and /basekit on one port. State is kept\n"
            "in memory and starts as a small demo estate with fixed demo credentials."
        ),
        epilog=(
            f"Control surface (JSON over HTTP) under {CONTROL_PREFIX}:\n"
            f"  GET  {CONTROL_PREFIX}/config                 credentials and seeded ids of every vendor\n"
            f"  POST {CONTROL_PREFIX}/reset                  back to the demo estate, no faults, clock reset\n"
            f"  POST {CONTROL_PREFIX}/clock {{\"advance\": 60}}  move the sandboxes' clock forward\n"
            f"  GET  {CONTROL_PREFIX}/VENDOR                 counts of what the vendor holds\n"
            f"  POST {CONTROL_PREFIX}/VENDOR/seed {{...}}      add an estate, e.g. {{\"mailboxes\": 100000}}\n"
            f"  POST {CONTROL_PREFIX}/VENDOR/delays {{...}}    e.g. {{\"action\": 3}} (seconds)\n"
            f"  POST {CONTROL_PREFIX}/VENDOR/faults {{...}}    inject a fault: kind plus next=N or rate=0..1,\n"
            "                                          optional method, path (regex), status, retry_after,\n"
            "                                          latency, timeout, action; DELETE clears them\n"
            f"  GET  {CONTROL_PREFIX}/VENDOR/counters        calls per endpoint; DELETE resets\n\n"
            f"Fault kinds:\n{kinds}"
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8100, help="port to listen on (default 8100)")
    parser.add_argument("--seed", type=int, default=0, help="seed for generated ids and fault rates (default 0)")
    parser.add_argument("--print-config", action="store_true", help="print credentials and seeded ids as JSON and exit")
    parser.add_argument("--delay", type=_delay, action="append", default=[], metavar="VENDOR.NAME=SECONDS",
                        help="set a named delay, e.g. synaq.action=2 or greenview.domain_ready=30 (repeatable)")
    parser.add_argument("--fault", type=_vendor_spec, action="append", default=[], metavar="VENDOR:kind=K,...",
                        help="inject a fault at start, e.g. 'rackspace:kind=throttle,rate=0.1' (repeatable)")
    parser.add_argument("--estate", type=_vendor_spec, action="append", default=[], metavar="VENDOR:key=N,...",
                        help="seed a large estate at start, e.g. 'synaq:domains=10000,mailboxes=100000' (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    app = build_app(seed=args.seed)
    if args.print_config:
        json.dump(app.config(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for vendor, name, seconds in args.delay:
        app.vendor(vendor).delays[name] = seconds
    for vendor, spec in args.fault:
        app.vendor(vendor).faults.add(**spec)
    for vendor, spec in args.estate:
        summary = app.vendor(vendor).seed(**spec)
        print(f"seeded {vendor}: {summary}", file=sys.stderr)

    from werkzeug.serving import run_simple

    if args.quiet:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    print(f"Sandboxes on http://{args.host}:{args.port}/{{{','.join(VENDOR_MODULES)}}}", file=sys.stderr)
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
