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


def test_production_refuses_a_short_secret_key():
    result = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": "short-key-123"})
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_djangos_insecure_template_key():
    key = "django-insecure-" + secrets.token_urlsafe(48)
    result = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": key})
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_a_key_of_one_repeated_character():
    result = _manage("check", **{**PRODUCTION_ENV, "SECRET_KEY": "a" * 64})
    assert result.returncode != 0 and "SECRET_KEY is too weak" in result.stderr


def test_production_refuses_any_host():
    for hosts in ("*", "panel.reseller.example,*", " , "):
        result = _manage("check", **{**PRODUCTION_ENV, "ALLOWED_HOSTS": hosts})
        assert result.returncode != 0 and "ALLOWED_HOSTS must" in result.stderr, hosts


def test_the_var_folder_and_what_the_panel_creates_there_are_the_owners_alone(tmp_path):
    var = tmp_path / "var"
    result = _manage("check", PANEL_ENV="development", PANEL_VAR_DIR=str(var), DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert var.stat().st_mode & 0o777 == 0o700
    for name in ("panel.sqlite3", "secret_key.txt", "field_encryption_key.txt"):
        assert (var / name).stat().st_mode & 0o077 == 0, name


def test_compose_trusts_no_proxy_it_does_not_have():
    compose = (BASE_DIR / "docker-compose.yml").read_text()
    assert "TRUSTED_PROXY_COUNT: ${TRUSTED_PROXY_COUNT:-0}" in compose
    assert "nginx" not in compose and "traefik" not in compose  # no proxy in front of web here
