"""Settings for the reseller email panel, read from the environment.

``PANEL_ENV`` picks the mode:

* ``development`` (default): SQLite in ``var/``, an embedded Celery broker on the file system, and a
  secret key and field-encryption key generated once and kept in ``var/`` — ``make run`` needs
  nothing but Python.
* ``production``: refuses to start unless ``SECRET_KEY``, ``FIELD_ENCRYPTION_KEY`` and
  ``ALLOWED_HOSTS`` are set; secure cookies, HSTS and HTTPS redirects on.
* ``test``: as development, with fast password hashing and a file-based SQLite test database so a
  real Celery worker process can share it.

``DATABASE_URL`` selects PostgreSQL (``postgres://...``); ``REDIS_URL`` selects Redis as Celery
broker and cache.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PANEL_VAR_DIR", BASE_DIR / "var"))
# var/ holds the SQLite database, generated secrets and the broker's messages: the owner's alone. Files the
# panel makes there are created owner-only too (SQLite's -wal and -shm files copy the database's mode).
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create ``path`` readable and writable by the owner only (or tighten it if it exists)."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_uid == os.getuid():
        path.chmod(0o600)

# Under pytest the default is "test", so a bare `pytest` never touches the development database.
PANEL_ENV = os.environ.get("PANEL_ENV") or ("test" if "pytest" in sys.modules else "development")
if PANEL_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"PANEL_ENV must be development, production or test, not {PANEL_ENV!r}")
PRODUCTION = PANEL_ENV == "production"
TESTING = PANEL_ENV == "test"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret(name: str, generate) -> str:
    """A secret from the environment; outside production, generated once and kept in var/."""
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set in production")
    path = VAR_DIR / f"{name.lower()}.txt"
    if not path.exists() or not path.read_text().strip():
        _private_file(path)
        path.write_text(generate())
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


SECRET_KEY = _secret("SECRET_KEY", lambda: secrets.token_urlsafe(64))
# Production refuses a key anyone could guess: short, Django's insecure template, or a placeholder.
WEAK_SECRET_KEYS = {"changeme", "change-me", "secret", "django-insecure", "your-secret-key", "dev", "development"}
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 10 or SECRET_KEY.startswith("django-insecure")
                   or SECRET_KEY.strip().lower() in WEAK_SECRET_KEYS):
    raise ImproperlyConfigured("SECRET_KEY is too weak for production: use 50 or more random characters "
                               "(python -c 'import secrets; print(secrets.token_urlsafe(64))')")
# Comma-separated Fernet keys; the first encrypts, all decrypt (key rotation).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _secret("FIELD_ENCRYPTION_KEY", _fernet_key).split(",") if k.strip()]

DEBUG = _env_bool("DEBUG", not PRODUCTION and not TESTING)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

if PRODUCTION:
    if not os.environ.get("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production")
    ALLOWED_HOSTS = [h.strip() for h in os.environ["ALLOWED_HOSTS"].split(",") if h.strip()]
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name the panel's hosts in production, not * or nothing")
else:
    ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "panel.apps.PanelAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "template_partials",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_countries",
    "core",
    "provisioning",
    "customers",
    "accounts",
    "api",
    "portal",
    "panel",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.ImpersonationMiddleware",
    "core.audit.AuditContextMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "panel.urls"
WSGI_APPLICATION = "panel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "panel.context_processors.alerts",
            ],
        },
    },
]

# ---- database ------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'panel.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Several processes (web, worker, beat) share one SQLite file: wait for locks, write-ahead log.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if not TESTING:
        _private_file(Path(DATABASES["default"]["NAME"]))
    # A file, not memory, so a real Celery worker process in the tests sees the same rows.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-panel.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---- redis, cache, celery ------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Kombu's file-system transport: a real broker between processes that needs no server.
    # Tests get their own folder, so a `make run` worker never takes a test's messages.
    _broker_dir = VAR_DIR / ("celery-broker-test" if TESTING else "celery-broker")
    (_broker_dir / "processed").mkdir(mode=0o700, parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost/"  # the host is ignored; naming it stops a kombu warning
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # The folder is polled; kombu's default of once a second would make every step wait for it.
        "polling_interval": float(os.environ.get("CELERY_BROKER_POLLING_INTERVAL", "0.05")),
    }
# Queue names can be prefixed so concurrent runs (tests, the demo) sharing one Redis stay apart.
CELERY_QUEUE_PREFIX = os.environ.get("CELERY_QUEUE_PREFIX", "test-" if TESTING else "")
CELERY_BEAT_SCHEDULE_FILE = str(VAR_DIR / "celerybeat-schedule")
# How often beat sweeps the outbox for due operations, and re-reads what may have changed (seconds).
PROVISIONING_SWEEP_SECONDS = float(os.environ.get("PROVISIONING_SWEEP_SECONDS", "5"))
PROVISIONING_CHECK_SECONDS = float(os.environ.get("PROVISIONING_CHECK_SECONDS", "60"))
# A worker's lease on an operation; tasks stop 30 s before it lapses, and calls renew it.
PROVISIONING_CLAIM_SECONDS = int(os.environ.get("PROVISIONING_CLAIM_SECONDS", "300"))
PROVISIONING_MAX_ATTEMPTS = int(os.environ.get("PROVISIONING_MAX_ATTEMPTS", "10"))
PROVISIONING_MAX_POLLS = int(os.environ.get("PROVISIONING_MAX_POLLS", "200"))
PROVISIONING_BACKOFF_SECONDS = float(os.environ.get("PROVISIONING_BACKOFF_SECONDS", "5"))
PROVISIONING_BACKOFF_CAP_SECONDS = float(os.environ.get("PROVISIONING_BACKOFF_CAP_SECONDS", "900"))
# A message not picked up within this long is taken as lost, and the sweep sends it again.
PROVISIONING_REDISPATCH_SECONDS = float(os.environ.get("PROVISIONING_REDISPATCH_SECONDS", "60"))
# An operation waiting behind another is woken when that one ends; this long is only the safety net.
PROVISIONING_ORDER_WAIT_SECONDS = float(os.environ.get("PROVISIONING_ORDER_WAIT_SECONDS", "60"))
# A dotted path to a callable giving the rate limiter's time (empty: the wall clock). Benchmarks only.
PROVISIONING_LIMITER_CLOCK = os.environ.get("PROVISIONING_LIMITER_CLOCK", "")
# The drift check: how often beat runs it per vendor account, and how many units (accounts or domains) a run
# compares at least and at most (between them: enough for the whole estate once a day).
DRIFT_CHECK_SECONDS = int(os.environ.get("DRIFT_CHECK_SECONDS", "300"))
DRIFT_CHECK_MIN_UNITS = int(os.environ.get("DRIFT_CHECK_MIN_UNITS", "5"))
DRIFT_CHECK_MAX_UNITS = int(os.environ.get("DRIFT_CHECK_MAX_UNITS", "200"))
# A step due this soon rides a countdown as a hint (the row's due time stays the truth).
PROVISIONING_HINT_SECONDS = float(os.environ.get("PROVISIONING_HINT_SECONDS", "20"))
# Vendor HTTP: connect and read timeouts (seconds) and connections kept per vendor account.
VENDOR_CONNECT_TIMEOUT = float(os.environ.get("VENDOR_CONNECT_TIMEOUT", "5"))
VENDOR_READ_TIMEOUT = float(os.environ.get("VENDOR_READ_TIMEOUT", "30"))
VENDOR_POOL_SIZE = int(os.environ.get("VENDOR_POOL_SIZE", "16"))

# ---- auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "customers.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes (accounts/throttle.py): a username at one address is locked out for 15 minutes after 5
# failures; one address after 20 failures across usernames (spraying); one username after 10 across addresses.
AXES_HANDLER = "accounts.throttle.PanelAxesHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind N reverse proxies, the client's address is the Nth from the right in X-Forwarded-For. One
# function (core.audit.client_ip) decides it for the audit trail and for axes alike; without a proxy
# (the default outside production) X-Forwarded-For is ignored, so it cannot be forged.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.axes_client_ip"
# Two factors (django-otp): required for these staff roles, optional for everyone else. Tests turn the
# requirement on where they test it (tests/accounts/), so the other tests can sign staff in plainly.
OTP_REQUIRED_ROLES = [r.strip() for r in os.environ.get("OTP_REQUIRED_ROLES", "" if TESTING else "admin").split(",")
                      if r.strip()]
OTP_VERIFY_URL = "accounts:verify"
OTP_SETUP_URL = "accounts:security"
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Reseller Mail Panel")
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# ---- i18n, static --------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
if not PRODUCTION:
    STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# ---- security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
# Sessions end after SESSION_SECONDS (8 hours) and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_SECONDS", str(60 * 60 * 8)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    if TRUSTED_PROXY_COUNT:
        # Only a proxy we have may say the request came over HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy (django-csp): the panel's own static files only: no inline script, no inline
# style, nothing from elsewhere. htmx is configured for it (no inline indicator styles, no eval).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    },
}

# ---- logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # One-time secrets in URLs (login tokens, invitations, password resets) never reach a log line.
    "filters": {"redact": {"()": "core.logredact.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # urllib3 logs request lines at DEBUG, which could carry credentials in query strings.
        "urllib3": {"level": "WARNING"},
        # axes logs every successful sign-in at INFO; failures and lockouts still show.
        "axes": {"level": "WARNING"},
    },
}

# ---- mail ----------------------------------------------------------------------------------
# High-priority alerts are mailed to staff; in development they are printed on the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION
                               else "django.core.mail.backends.console.EmailBackend")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "panel@localhost")
# The panel's own address, for links in mail.
PANEL_URL = os.environ.get("PANEL_URL", "http://127.0.0.1:8000")

# ---- the panel -----------------------------------------------------------------------------
PAGE_SIZE = 25
# How long a login token minted by the reseller's systems signs its user in (WHMCS uses 60 s too).
SSO_TOKEN_SECONDS = int(os.environ.get("SSO_TOKEN_SECONDS", "60"))
# How long a customer owner's invitation link into the portal stays valid.
PORTAL_INVITATION_HOURS = int(os.environ.get("PORTAL_INVITATION_HOURS", "72"))
# Where the demo's vendor accounts point: the sandboxes that `make run` starts.
SANDBOX_URL = os.environ.get("SANDBOX_URL", "http://127.0.0.1:8100")
