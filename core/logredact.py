"""Keep one-time secrets that ride in URLs (login tokens, invitation links, password-reset links) out of
every log line: Django's request log, gunicorn's access log, anything else that prints a path."""

from __future__ import annotations

import logging
import re

# The path segments after these prefixes are secrets.
_SECRET_PATHS = re.compile(r"(/(?:sso|portal/join|account/password-reset)/)(?!sent/|done/)[^\s\"?]+")


def redact(text: str) -> str:
    return _SECRET_PATHS.sub(r"\1[redacted]/", text)


class RedactSecretPaths(logging.Filter):
    """A logging filter: the formatted message with secret path segments replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
