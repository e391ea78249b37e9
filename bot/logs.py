"""Keeping personal data and secrets out of logs: identifiers are logged as short keyed hashes."""

from __future__ import annotations

import hashlib
import logging
import os

logger = logging.getLogger(__name__)

# A key of this process: the same person has the same reference in one process's log lines (enough to follow
# one conversation), but a reference cannot be turned back into a phone number or chat id by trying them all.
_KEY = os.urandom(16)


def ref(identifier: object) -> str:
    """A short, stable (per process) reference for a phone number, chat id or message id, safe to log."""
    if identifier is None:
        return "-"
    digest = hashlib.blake2s(str(identifier).encode(), key=_KEY, digest_size=4).hexdigest()
    return f"#{digest}"


class WithoutQuery(logging.Filter):
    """Cuts the query string from uvicorn's access log lines: Meta's verification request carries the verify token
    (hub.verify_token) there, and no query string of Kriya's routes is needed to read the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


ACCESS_FILTER = WithoutQuery()


def guard_access_log() -> None:
    """Install the access-log filter (idempotent)."""
    logging.getLogger("uvicorn.access").addFilter(ACCESS_FILTER)
