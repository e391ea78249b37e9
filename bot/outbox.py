"""The outbox: every message to a platform is a row first, then sent, retried and recorded here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import ChannelSender, DeliveryError, Outgoing, RateLimited, Retryable, Unreachable
from bot.ratelimit import RateLimiter
from db.models import Artisan, ChannelIdentity, OutboxMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)  # a row claimed longer ago than this is taken over by another sender
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(600, 2 ** max(attempts, 1)))


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
) -> OutboxMessage | None:
    """Add one row unless its dedupe key exists already (then None). `claimed` rows are sent by the caller;
    `new_key` says the key cannot exist yet (a fresh broadcast), so rows are added in bulk without a look-up."""
    if not new_key:
        exists = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key))
        if exists is not None:
            return None
    row = OutboxMessage(
        dedupe_key=dedupe_key, artisan_id=artisan_id, channel=channel, external_id=external_id, kind=kind,
        body=body, status="sending" if claimed else "pending", not_before=not_before or now,
        expires_at=expires_at, claimed_at=now if claimed else None, created_at=now,
    )
    session.add(row)
    if not new_key:
        await session.flush()
    return row


class Outbox:
    """Claims due rows, sends them through the channel's sender under its rate limit, records the outcome."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: dict[str, ChannelSender],
        limiters: dict[str, RateLimiter],
        clock: Callable[[], datetime],
        skip_locked: bool = False,
        lease: timedelta = LEASE,
    ) -> None:
        self.lease = lease
        self.sessionmaker = sessionmaker
        self.senders = senders
        self.limiters = limiters
        self.clock = clock
        self.skip_locked = skip_locked

    async def claim(self, limit: int = 100) -> list[Outgoing]:
        """Take up to `limit` due rows for this sender (FOR UPDATE SKIP LOCKED on PostgreSQL)."""
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            query = (
                select(OutboxMessage, ChannelIdentity.last_inbound_at)
                .outerjoin(
                    ChannelIdentity,
                    (ChannelIdentity.channel == OutboxMessage.channel)
                    & (ChannelIdentity.external_id == OutboxMessage.external_id),
                )
                .where(
                    OutboxMessage.channel.in_(list(self.senders)),
                    or_(
                        (OutboxMessage.status == "pending") & (OutboxMessage.not_before <= now),
                        (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - self.lease),
                    ),
                )
                .order_by(OutboxMessage.not_before, OutboxMessage.id)
                .limit(limit)
            )
            if self.skip_locked:
                query = query.with_for_update(skip_locked=True, of=OutboxMessage)
            rows = (await session.execute(query)).all()
            items = []
            for row, last_inbound in rows:
                row.status, row.claimed_at = "sending", now
                items.append(self._outgoing(row, last_inbound))
        return items

    @staticmethod
    def _outgoing(row: OutboxMessage, last_inbound: datetime | None) -> Outgoing:
        return Outgoing(
            outbox_id=row.id, channel=row.channel, external_id=row.external_id, body=row.body, kind=row.kind,
            last_inbound_at=last_inbound, attempts=row.attempts,
        )

    async def run_once(self, limit: int = 100) -> int:
        """Claim and send one batch; returns how many rows were handled."""
        items = await self.claim(limit)
        await self.deliver(items)
        return len(items)

    async def deliver(self, items: Sequence[Outgoing]) -> None:
        """Send rows already claimed by this process (replies right after their message), in order."""
        for item in items:
            await self._deliver_one(item)

    async def _deliver_one(self, item: Outgoing) -> None:
        sender = self.senders.get(item.channel)
        if sender is None:
            logger.error("no sender for channel %s (outbox %s)", item.channel, item.outbox_id)
            return
        if await self._skip(item):
            return
        limiter = self.limiters.get(item.channel)
        if limiter:
            await limiter.acquire(item.external_id)
        try:
            result = await sender.send(item)
        except DeliveryError as error:
            await self._failed(item, error)
            return
        except Exception as error:  # a bug or an unexpected library error: retry, never lose the row
            logger.exception("sending outbox %s failed unexpectedly", item.outbox_id)
            await self._failed(item, Retryable(f"{type(error).__name__}: {error}"))
            return
        async with self.sessionmaker() as session, session.begin():
            row = await session.get_one(OutboxMessage, item.outbox_id)
            row.status, row.sent_at, row.attempts = "sent", self.clock(), row.attempts + 1
            row.last_error = None
            if result.provider_message_ids:
                row.provider_message_id = result.provider_message_ids[-1]
                row.body = {**row.body, "provider_ids": result.provider_message_ids}

    async def _skip(self, item: Outgoing) -> bool:
        """Expired rows and proactive messages to opted-out or unreachable people are not sent."""
        if not item.proactive and item.attempts == 0:  # a reply on its first try: nothing to check
            return False
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            row = await session.get_one(OutboxMessage, item.outbox_id)
            reason = None
            if row.expires_at and now >= row.expires_at:
                reason, status = "expired before it could be sent", "expired"
            elif item.proactive and row.artisan_id is not None:
                person = await session.get(Artisan, row.artisan_id)
                identity = (
                    await session.execute(
                        select(ChannelIdentity).where(
                            ChannelIdentity.channel == row.channel, ChannelIdentity.external_id == row.external_id
                        )
                    )
                ).scalar_one_or_none()
                if person is None or person.proactive_opt_out:
                    reason, status = "opted out of proactive messages", "skipped"
                elif identity is not None and identity.unreachable_since is not None:
                    reason, status = "unreachable (blocked the bot)", "skipped"
            if reason is None:
                return False
            row.status, row.last_error = status, reason
            logger.info("outbox %s %s: %s", row.id, status, reason)
            return True

    async def _failed(self, item: Outgoing, error: DeliveryError) -> None:
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            row = await session.get_one(OutboxMessage, item.outbox_id)
            row.attempts += 1
            row.last_error = f"{error.code or ''} {error.reason}".strip()[:300]
            if isinstance(error, RateLimited):
                row.status, row.not_before = "pending", now + timedelta(seconds=max(error.retry_after, 1))
                row.attempts -= 1  # throttling is not the message's fault
            elif isinstance(error, Retryable) and row.attempts < MAX_ATTEMPTS:
                row.status, row.not_before = "pending", now + backoff(row.attempts)
            else:  # final errors, a closed WhatsApp window without a template, too many attempts
                row.status = "failed"
                if isinstance(error, Unreachable):
                    await session.execute(
                        update(ChannelIdentity)
                        .where(ChannelIdentity.channel == row.channel, ChannelIdentity.external_id == row.external_id)
                        .values(unreachable_since=now)
                    )
            level = logging.INFO if isinstance(error, RateLimited | Retryable) else logging.WARNING
            logger.log(level, "outbox %s to %s:%s -> %s (%s)", row.id, row.channel, row.external_id, row.status,
                       row.last_error)
