"""The claims this process holds on outbox rows: registered at claim (or enqueue), renewed by the heartbeat."""

from __future__ import annotations

import time
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any, Protocol

# A row claimed at enqueue (a reply) waits in its person's chain until it is handed to deliver(); a claim never
# handed over (its transaction rolled back, its task died) stops being renewed after this long.
WAITING_HOLD = 600.0  # seconds


class Renewer(Protocol):
    """What keeps the claims alive (the Outbox's heartbeat)."""

    def keep_claims(self) -> None: ...


def new_claim_token() -> str:
    return uuid.uuid4().hex  # 32 characters, the width of outbox.claim_token


@dataclass
class Claim:
    """One claim this process holds: renewed by the heartbeat while it is delivering or waiting to."""

    outbox_id: int
    since: float = field(default_factory=time.monotonic)
    confirmed: bool = False  # seen in the database as ours (an uncommitted claim is not lost, only not yet there)
    delivering: int = 0  # deliver() calls working on it


@dataclass
class Claims:
    """The claims this process holds in one database, by token, and the tokens found taken over."""

    held: dict[str, Claim] = field(default_factory=dict)
    lost: set[str] = field(default_factory=set)
    renewer: weakref.ReferenceType[Renewer] | None = None

    def add(self, token: str, outbox_id: int, confirmed: bool) -> None:
        claim = self.held.setdefault(token, Claim(outbox_id, confirmed=confirmed))
        claim.confirmed = claim.confirmed or confirmed
        outbox = self.renewer() if self.renewer else None
        if outbox is not None:
            outbox.keep_claims()

    def renewable(self, now: float) -> dict[str, Claim]:
        """The claims worth renewing; those waiting too long without being delivered are dropped."""
        for token in [t for t, c in self.held.items() if not c.delivering and now - c.since > WAITING_HOLD]:
            del self.held[token]
        return dict(self.held)

    def release(self, token: str) -> None:
        claim = self.held.get(token)
        if claim is not None:
            claim.delivering -= 1
            if claim.delivering <= 0:
                del self.held[token]
        if token not in self.held:
            self.lost.discard(token)


_claims: weakref.WeakKeyDictionary[Any, Claims] = weakref.WeakKeyDictionary()


def claims_of(bind: Any) -> Claims:
    """The claims this process holds in the database behind `bind` (an engine)."""
    key = getattr(bind, "sync_engine", bind)
    found = _claims.get(key)
    if found is None:
        found = _claims[key] = Claims()
    return found
