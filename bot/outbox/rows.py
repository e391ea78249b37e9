"""Outbox rows: how one is queued, how long it is retried, and what a finished one keeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeAlias

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.outbox.claims import claims_of, new_claim_token
from db.models import OutboxMessage

Sessionmaker: TypeAlias = async_sessionmaker[AsyncSession]  # what opens a session on the database

LEASE = timedelta(minutes=2)  # a row claimed longer ago than this (not renewed) is taken over by another sender
RENEWALS_PER_LEASE = 4  # the heartbeat renews held claims this many times per lease
MAX_HEARTBEAT = timedelta(seconds=30)
RENEW_CHUNK = 500  # claim tokens per UPDATE of the heartbeat
REPLY_TTL = timedelta(hours=6)  # a reply still makes sense this long after the message it answers
RETRY_WINDOW = timedelta(hours=24)  # rows without an expiry are retried this long after they were queued
BACKOFF_CAP = timedelta(minutes=5)
MAX_ATTEMPTS = 500  # a safety cap on top of the expiry (at the 5-minute cap, well beyond a day of retries)
SENDING = "sending"
PROVIDER_IDS = "provider_ids"  # in a sent row's body: the ids of all its parts (the last is provider_message_id)
# Why a try was the last one (in the warning).
FINAL_ERROR, ATTEMPTS_EXHAUSTED, RETRY_WINDOW_OVER = "final error", "attempts exhausted", "retry window over"


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... seconds after each failed attempt, at most BACKOFF_CAP."""
    return timedelta(seconds=min(BACKOFF_CAP.total_seconds(), 2 ** min(max(attempts, 1), 30)))


FORGOTTEN = ""  # the address of a finished row that belongs to nobody


def forget(row: OutboxMessage) -> None:
    """A finished row that belongs to nobody keeps no address and no text (UU PDP 27/2022)."""
    row.external_id, row.body, row.provider_message_id = FORGOTTEN, {}, None


def retry_deadline(row: OutboxMessage) -> datetime:
    """Until when a failing row is worth retrying: its expiry, else a day after it was queued."""
    return row.expires_at or row.created_at + RETRY_WINDOW


async def enqueue(
    session: AsyncSession,
    *,
    artisan_id: int | None,
    channel: str,
    external_id: str,
    kind: str,
    body: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    claimed: bool = False,
    new_key: bool = False,
    broadcast_id: int | None = None,
) -> OutboxMessage | None:
    """Add one row unless its dedupe key exists already (then None). `claimed` rows are sent by the caller
    (the row's `claim_token` is theirs); `new_key` says the key cannot exist yet (a fresh broadcast), so rows
    are added in bulk without a look-up. A reply expires REPLY_TTL after it was queued unless told otherwise."""
    if not new_key:
        exists = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    if expires_at is None and kind == "reply":
        expires_at = now + REPLY_TTL
    row = OutboxMessage(
        dedupe_key=dedupe_key, artisan_id=artisan_id, channel=channel, external_id=external_id, kind=kind,
        body=body, status=SENDING if claimed else "pending", not_before=not_before or now,
        expires_at=expires_at, claimed_at=now if claimed else None,
        claim_token=new_claim_token() if claimed else None, created_at=now, broadcast_id=broadcast_id,
    )
    session.add(row)
    if not new_key or claimed:
        await session.flush()
    if claimed and row.claim_token:  # renewed from now on, while it waits in its person's chain
        claims_of(session.bind).add(row.claim_token, row.id, confirmed=False)
    return row
