"""gunicorn's logger with secret URL segments redacted from the access log (``--logger-class``)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from core.logredact import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "{raw_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
