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
