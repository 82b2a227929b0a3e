"""Production settings: refuse to start without secrets; `check --deploy` reports nothing."""

from __future__ import annotations

import os
import secrets
import subprocess

from cryptography.fernet import Fernet

from tests.support import BASE_DIR, PYTHON

PRODUCTION_ENV = {
    "PANEL_ENV": "production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "panel.reseller.example",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A production process starts from a clean slate: no test-only switches such as DJANGO_ALLOW_ASYNC_UNSAFE.
    dropped = {*PRODUCTION_ENV, "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=full_env, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_with_production_settings_reports_nothing():
    result = _manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0 and "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = _manage("check", **env)
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_to_start_without_a_field_encryption_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FIELD_ENCRYPTION_KEY"}
    result = _manage("check", **env)
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEY must be set in production" in result.stderr


def test_an_invalid_field_encryption_key_fails_the_system_check():
    result = _manage("check", **{**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEY": "not-a-fernet-key"})
    assert result.returncode != 0 and "core.E002" in result.stderr
