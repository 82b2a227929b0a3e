"""The supervisor make run starts the worker through: a crash is followed by a new start, a clean exit or
a stop request ends it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.support import BASE_DIR


def _supervise(script: str, tmp_path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "panel.supervise", sys.executable, "-c", script],
                            cwd=BASE_DIR, stderr=subprocess.PIPE, text=True)


def test_a_crashed_process_is_started_again_and_a_clean_exit_ends_the_supervisor(tmp_path):
    marker = tmp_path / "runs"
    script = (f"import pathlib, sys; p = pathlib.Path({str(marker)!r}); n = len(p.read_text()) if p.exists() else 0; "
              "p.write_text('x' * (n + 1)); sys.exit(0 if n >= 1 else 3)")
    process = _supervise(script, tmp_path)
    assert process.wait(timeout=30) == 0
    assert marker.read_text() == "xx"  # crashed once, started again, then exited cleanly
    assert "exited with 3; starting it again" in process.stderr.read()


def test_sigterm_stops_the_child_and_the_supervisor(tmp_path):
    started = tmp_path / "started"
    script = f"import pathlib, time; pathlib.Path({str(started)!r}).write_text('1'); time.sleep(60)"
    process = _supervise(script, tmp_path)
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) != 0  # the child died of the signal; nothing is started again
