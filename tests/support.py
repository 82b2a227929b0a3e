"""Helpers for tests that start other processes against the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def test_database_url() -> str:
    """A DATABASE_URL naming the database this test run uses (pytest-django's test database)."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child process of the panel, pointed at the test database."""
    env = dict(os.environ)
    env.update(PANEL_ENV="test", DATABASE_URL=test_database_url(), PYTHONPATH=str(BASE_DIR), **extra)
    return env


PYTHON = sys.executable


class WorkerProcess:
    """A real Celery worker process against the test database (and the configured broker)."""

    def __init__(self, log_path: Path, *, pool: str = "solo", concurrency: int = 1, **env: str) -> None:
        self.log_path = log_path
        self.pool, self.concurrency, self.env = pool, concurrency, env
        self.process = None

    def start(self, timeout: float = 60, *, purge: bool = True) -> WorkerProcess:
        """Start it; ``purge`` first drops messages an earlier run left on the broker's queue."""
        log = open(self.log_path, "a")  # noqa: SIM115 (kept open for the child's life)
        self.process = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "panel", "worker", f"--pool={self.pool}",
             f"--concurrency={self.concurrency}", "--loglevel=INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", *(["--purge"] if purge else [])],
            cwd=BASE_DIR, env=child_env(**self.env), stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "ready." in self.log_path.read_text() or self.process.poll() is not None:
                break
            time.sleep(0.2)
        if self.process.poll() is not None:
            raise AssertionError(self.log_path.read_text())
        return self

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-task, as on a crash or an out-of-memory kill."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
