"""Outbox rows: how one is queued, how long it is retried, and what a finished one keeps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeAlias, cast

from sqlalchemy import Table, bindparam, insert, select, update
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

# Statements every reply runs, built once (Core, on the table: no ORM unit of work for one row).
OUTBOX = cast(Table, OutboxMessage.__table__)
INSERT_REPLY = insert(OUTBOX).returning(OUTBOX.c.id)
# A send recorded while the row still carries the sender's claim; the rest of the SET clause comes with the values.
RECORD_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("row_id"), OUTBOX.c.claim_token == bindparam("token"), OUTBOX.c.status == SENDING)
    .values(status="sent", attempts=OUTBOX.c.attempts + 1)
    .returning(OUTBOX.c.artisan_id)
)


def forgotten_values() -> dict[str, Any]:
    """What a finished row that belongs to nobody keeps of its address and text: nothing (UU PDP 27/2022)."""
    return {"external_id": FORGOTTEN, "body": {}, "provider_message_id": None}


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
    new_key: bool = False,
    broadcast_id: int | None = None,
) -> OutboxMessage | None:
    """Add one row unless its dedupe key exists already (then None). `new_key` says the key cannot exist yet (a
    fresh broadcast), so rows are added in bulk without a look-up. A reply expires REPLY_TTL after it was queued
    unless told otherwise."""
    if not new_key:
        exists = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    if expires_at is None and kind == "reply":
        expires_at = now + REPLY_TTL
    row = OutboxMessage(
        dedupe_key=dedupe_key, artisan_id=artisan_id, channel=channel, external_id=external_id, kind=kind,
        body=body, status="pending", not_before=not_before or now, expires_at=expires_at, created_at=now,
        broadcast_id=broadcast_id,
    )
    session.add(row)
    if not new_key:
        await session.flush()
    return row


async def enqueue_reply(
    session: AsyncSession,
    *,
    artisan_id: int | None,
    channel: str,
    external_id: str,
    body: dict[str, Any],
    dedupe_key: str,
    now: datetime,
) -> tuple[int, str]:
    """A reply row claimed for its caller, who sends it right after the commit: (its id, the claim token).

    One INSERT ... RETURNING, without looking the key up first: a reply's key names the message it answers, which
    was recorded in the same transaction, so it is new (one that exists anyway raises IntegrityError, as a message
    delivered twice does). Expires REPLY_TTL after it was queued."""
    token = new_claim_token()
    row_id: int = (await session.execute(INSERT_REPLY, {
        "dedupe_key": dedupe_key, "artisan_id": artisan_id, "channel": channel, "external_id": external_id,
        "kind": "reply", "body": body, "status": SENDING, "attempts": 0, "not_before": now,
        "expires_at": now + REPLY_TTL, "claimed_at": now, "claim_token": token, "created_at": now,
    })).scalar_one()
    claims_of(session.bind).add(token, row_id, confirmed=False)  # renewed from now on, while it waits in its chain
    return row_id, token
