"""``python -m panel.supervise <command> [args...]``: keep a process running, as systemd's
``Restart=on-failure`` or Docker's restart policy do in production.

`make run` starts the Celery worker through it. A worker can die of its broker: kombu's Redis transport
sometimes gives up with "Unrecoverable error" when Redis restarts under it. The outbox loses nothing
(due operations are swept and claimed again), but the worker must come back. A clean exit (0), or one
asked for with SIGINT/SIGTERM (Ctrl-C, honcho stopping), ends the supervisor too, so nothing is left
running.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

# A process that ran this long before dying was healthy: start again at once, not after the long backoff.
HEALTHY_SECONDS = 60
MAX_BACKOFF_SECONDS = 30


def supervise(command: list[str]) -> int:
    """Run ``command`` until it exits cleanly or the supervisor is asked to stop; its exit code."""
    stopping = False
    child: subprocess.Popen | None = None

    def forward(signum, frame) -> None:
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    backoff = 1.0
    while True:
        started = time.monotonic()
        child = subprocess.Popen(command)  # noqa: S603 (the command line make run gives)
        code = child.wait()
        if stopping or code == 0:
            return code
        backoff = 1.0 if time.monotonic() - started > HEALTHY_SECONDS else min(backoff * 2, MAX_BACKOFF_SECONDS)
        print(f"[supervise] {' '.join(command[:4])} exited with {code}; starting it again in {backoff:.0f} s",
              file=sys.stderr, flush=True)
        time.sleep(backoff)
        if stopping:
            return code


if __name__ == "__main__":
    sys.exit(supervise(sys.argv[1:]))
