"""The outbox worker: claims due rows, sends them through the channel's sender, records the outcome.

A sender claims a row with a fresh claim token, renews the claim while it holds the row (a heartbeat well
inside the lease), and records the outcome only while the row still carries its token: a sender whose claim
was taken over (it stalled past the lease) does nothing. Transient failures are retried with capped
exponential backoff for as long as the message still makes sense (its `expires_at`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import (
    ChannelSender,
    DeliveryError,
    Outgoing,
    RateLimited,
    Retryable,
    SendResult,
    Unreachable,
)
from bot.logs import ref
from bot.outbox.claims import claims_of, new_claim_token
from bot.outbox.media import with_media
from bot.outbox.rows import (
    ATTEMPTS_EXHAUSTED,
    FINAL_ERROR,
    LEASE,
    MAX_ATTEMPTS,
    MAX_HEARTBEAT,
    OUTBOX,
    PROVIDER_IDS,
    RECORD_SENT,
    RENEW_CHUNK,
    RENEWALS_PER_LEASE,
    RETRY_WINDOW_OVER,
    SENDING,
    backoff,
    forgotten_values,
    retry_deadline,
)
from bot.ratelimit import RateLimiter
from db.models import Artisan, ChannelIdentity, OutboxMessage

logger = logging.getLogger(__name__)

# A proactive message whose chat's budget is not free within CHAT_DEFER seconds goes back to pending for
# CHAT_RETRY seconds rather than holding up the rows claimed after it (replies wait in their chain instead).
CHAT_DEFER, CHAT_RETRY = 0.1, 1.0
SEND_CONCURRENCY = 8  # chats of one claimed batch delivered side by side (the rate limiter paces them together)


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
        self.heartbeat_seconds = min(lease / RENEWALS_PER_LEASE, MAX_HEARTBEAT).total_seconds()
        self.claims = claims_of(sessionmaker.kw.get("bind"))
        self.claims.renewer = weakref.ref(self)
        self._released = asyncio.Event()  # set when nothing is held: the heartbeat stops
        self._heartbeat: asyncio.Task[None] | None = None

    # --- claims ----------------------------------------------------------------------------------

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
                        (OutboxMessage.status == SENDING) & (OutboxMessage.claimed_at < now - self.lease),
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
                if row.status == SENDING:
                    logger.info("outbox %s: claim older than the lease taken over", row.id)
                row.status, row.claimed_at, row.claim_token = SENDING, now, new_claim_token()
                items.append(self._outgoing(row, last_inbound))
        self._hold(items, delivering=False)
        return items

    @staticmethod
    def _outgoing(row: OutboxMessage, last_inbound: datetime | None) -> Outgoing:
        return Outgoing(
            outbox_id=row.id, channel=row.channel, external_id=row.external_id, body=row.body, kind=row.kind,
            last_inbound_at=last_inbound, attempts=row.attempts, claim_token=row.claim_token,
        )

    def _hold(self, items: Iterable[Outgoing], delivering: bool) -> None:
        """Claims this process holds (just claimed, or being delivered): renewed until released."""
        for item in items:
            if item.outbox_id and item.claim_token:
                self.claims.add(item.claim_token, item.outbox_id, confirmed=True)
                if delivering:
                    self.claims.held[item.claim_token].delivering += 1
        self.keep_claims()

    def _release(self, item: Outgoing) -> None:
        """Forget a claim (recorded, lost, or abandoned to be taken over after the lease)."""
        if item.claim_token:
            self.claims.release(item.claim_token)
        if not self.claims.held:
            self._released.set()

    def keep_claims(self) -> None:
        """Make sure the heartbeat runs while this process holds claims."""
        if not self.claims.held:
            return
        self._released.clear()
        if self._heartbeat is None or self._heartbeat.done():
            with contextlib.suppress(RuntimeError):  # no running loop: the next deliver() starts it
                self._heartbeat = asyncio.get_running_loop().create_task(self._keep_claims(),
                                                                         name="outbox-heartbeat")

    async def _keep_claims(self) -> None:
        """The heartbeat: renew the held claims every `heartbeat_seconds` while anything is held. Woken because
        everything was released, it renews nothing: claims taken since then are fresh (a reply's, say, claimed
        while the one before it was sent), so the next beat is soon enough for them."""
        while self.claims.held:
            try:
                await asyncio.wait_for(self._released.wait(), self.heartbeat_seconds)
            except TimeoutError:
                pass
            else:
                if not self.claims.held:
                    return
                self._released.clear()  # (claims taken since: the event stands for them again)
                continue
            if not self.claims.renewable(time.monotonic()):
                return
            try:
                await self.renew()
            except Exception:  # the database is away for a moment: the next beat tries again
                logger.warning("outbox: renewing %s claims failed", len(self.claims.held), exc_info=True)

    async def renew(self) -> int:
        """Bump `claimed_at` of the rows this process holds; a row seen as ours before and no longer is lost."""
        held = self.claims.renewable(time.monotonic())
        if not held:
            return 0
        now = self.clock()
        tokens = list(held)
        renewed: set[str] = set()
        async with self.sessionmaker() as session, session.begin():
            for start in range(0, len(tokens), RENEW_CHUNK):
                result = await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.claim_token.in_(tokens[start : start + RENEW_CHUNK]),
                           OutboxMessage.status == SENDING)
                    .values(claimed_at=now)
                    .returning(OutboxMessage.claim_token)
                    .execution_options(synchronize_session=False)
                )
                renewed.update(token for token in result.scalars() if token)
        for token, claim in held.items():
            if token in renewed:
                claim.confirmed = True
            elif claim.confirmed and token in self.claims.held:
                logger.info("outbox %s: claim lost before sending (taken over by another sender)", claim.outbox_id)
                if claim.delivering:
                    self.claims.lost.add(token)  # deliver() skips it and releases it
                else:
                    del self.claims.held[token]
        return len(renewed)

    async def close(self) -> None:
        """Stop the heartbeat (held rows are taken over after the lease)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            await asyncio.gather(self._heartbeat, return_exceptions=True)
            self._heartbeat = None

    async def _held_row(self, session: AsyncSession, item: Outgoing) -> OutboxMessage | None:
        """The row, locked, when this sender still holds its claim; None (logged) when the claim was lost."""
        row = await session.scalar(
            select(OutboxMessage)
            .where(OutboxMessage.id == item.outbox_id, OutboxMessage.claim_token == item.claim_token,
                   OutboxMessage.status == SENDING)
            .with_for_update()
        )
        if row is None:
            logger.info("outbox %s: claim lost (taken over by another sender or settled): outcome not recorded",
                        item.outbox_id)
        return row

    async def _adopt(self, items: Sequence[Outgoing]) -> list[Outgoing]:
        """Rows claimed at enqueue by a caller that did not pass the claim token on: the token is the one this
        process registered at enqueue (else, from the row while nobody claimed it since). Others are left."""
        missing = [item.outbox_id for item in items if item.outbox_id and not item.claim_token]
        if not missing:
            return list(items)
        tokens = {claim.outbox_id: token for token, claim in sorted(self.claims.held.items(),
                                                                     key=lambda pair: pair[1].since)}
        unknown = [outbox_id for outbox_id in missing if outbox_id not in tokens]
        if unknown:
            async with self.sessionmaker() as session:
                found = (await session.execute(
                    select(OutboxMessage.id, OutboxMessage.claim_token).where(
                        OutboxMessage.id.in_(unknown), OutboxMessage.status == SENDING,
                        OutboxMessage.claimed_at == OutboxMessage.created_at)
                )).tuples().all()
            tokens.update((outbox_id, token) for outbox_id, token in found if token)
        adopted = []
        for item in items:
            if not item.outbox_id or item.claim_token:
                adopted.append(item)
            elif tokens.get(item.outbox_id):
                adopted.append(replace(item, claim_token=tokens[item.outbox_id]))
            else:
                logger.info("outbox %s: claimed by another sender already, not sent here", item.outbox_id)
        return adopted

    # --- sending ---------------------------------------------------------------------------------

    async def run_once(self, limit: int = 100) -> int:
        """Claim and send one batch; returns how many rows were handled."""
        items = await self.claim(limit)
        await self.deliver(items)
        return len(items)

    async def deliver(self, items: Sequence[Outgoing]) -> None:
        """Send rows already claimed by this process (replies right after their message), in order."""
        items = await self._adopt(items)
        self._hold(items, delivering=True)
        chains: dict[tuple[str, str], list[Outgoing]] = {}
        for item in items:  # one chain per chat, in order; chats side by side (their database work overlaps)
            chains.setdefault((item.channel, item.external_id), []).append(item)
        gate = asyncio.Semaphore(SEND_CONCURRENCY)

        async def chain(queued: list[Outgoing]) -> None:
            async with gate:
                for item in queued:
                    await self._deliver_one(item)

        try:
            if len(chains) == 1:
                await chain(items)
                return
            failures = [r for r in await asyncio.gather(*(chain(c) for c in chains.values()), return_exceptions=True)
                        if isinstance(r, BaseException)]
            if failures:
                raise failures[0]
        finally:  # rows not reached (cancelled at shutdown) stay claimed: taken over after the lease
            for item in items:
                self._release(item)

    async def _deliver_one(self, item: Outgoing) -> None:
        sender = self.senders.get(item.channel)
        if sender is None:
            logger.error("no sender for channel %s (outbox %s)", item.channel, item.outbox_id)
            return
        if not item.outbox_id:
            await self._send_unrecorded(sender, item)
            return
        if await self._skip(item):
            return
        limiter = self.limiters.get(item.channel)
        if limiter and not await limiter.acquire(item.external_id, urgent=not item.proactive,
                                                 defer=CHAT_DEFER if item.proactive else None):
            await self._defer(item)  # its chat is busy: the rows after it are not held up behind it
            return
        if item.claim_token in self.claims.lost:
            logger.info("outbox %s: claim lost while waiting for the rate limit: not sent here", item.outbox_id)
            return
        try:
            item, note = await with_media(self.sessionmaker, item)
            result = await sender.send(item)
        except DeliveryError as error:
            await self._failed(item, error)
            return
        except Exception as error:  # a bug or an unexpected library error: retry, never lose the row
            logger.exception("sending outbox %s failed unexpectedly", item.outbox_id)
            await self._failed(item, Retryable(f"{type(error).__name__}: {error}"))
            return
        if note and not result.note:
            result.note = note
        await self._sent(item, result)

    async def _send_unrecorded(self, sender: ChannelSender, item: Outgoing) -> None:
        """A message the database could not hold (an apology while it is down): sent once, nothing recorded."""
        limiter = self.limiters.get(item.channel)
        if limiter:
            await limiter.acquire(item.external_id)
        try:
            await sender.send(item)
        except Exception as error:
            logger.warning("unrecorded %s %s to %s not sent: %s", item.channel, item.kind, ref(item.external_id),
                           type(error).__name__)

    async def _defer(self, item: Outgoing) -> None:
        """A proactive row whose chat has no budget now: back to pending for a moment (not an attempt)."""
        async with self.sessionmaker() as session, session.begin():
            row = await self._held_row(session, item)
            if row is not None:
                row.status, row.not_before = "pending", self.clock() + timedelta(seconds=CHAT_RETRY)

    async def _sent(self, item: Outgoing, result: SendResult) -> None:
        """Record a send: one UPDATE of the row while it still carries this sender's claim (with the body it was
        claimed with: nothing changes a row's body while it is being sent)."""
        values: dict[str, Any] = {"row_id": item.outbox_id, "token": item.claim_token, "sent_at": self.clock(),
                                  "last_error": result.note[:300] if result.note else None}  # sent, not all of it
        if result.provider_message_ids:
            values["provider_message_id"] = result.provider_message_ids[-1]
            values["body"] = {**item.body, PROVIDER_IDS: result.provider_message_ids}
        async with self.sessionmaker() as session, session.begin():
            owner = (await session.execute(RECORD_SENT, values)).first()
            if owner is None:
                logger.info("outbox %s: claim lost (taken over by another sender or settled): outcome not recorded",
                            item.outbox_id)
                return
            if result.note:
                logger.warning("outbox %s (%s %s) sent with a problem: %s", item.outbox_id, item.channel, item.kind,
                               result.note)
            if owner.artisan_id is None and item.kind == "reply":  # to a deletion (or an apology): keep nothing
                await session.execute(update(OUTBOX).where(OUTBOX.c.id == item.outbox_id).values(forgotten_values()))

    async def _skip(self, item: Outgoing) -> bool:
        """Rows no longer ours, expired rows, and proactive messages to opted-out or unreachable people."""
        if not item.proactive and item.attempts == 0 and item.claim_token:
            return False  # a reply on its first try, claimed a moment ago: nothing to check
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            row = await self._held_row(session, item)
            if row is None:
                return True
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
            if status == "expired" and row.attempts:
                reason = f"expired after {row.attempts} attempts; last error: {row.last_error or '-'}"
            row.status, row.last_error = status, reason[:300]
            level = logging.WARNING if status == "expired" and row.attempts else logging.INFO
            logger.log(level, "outbox %s (%s %s to %s) %s: %s", row.id, row.channel, row.kind, ref(row.external_id),
                       status, reason)
            return True

    async def _failed(self, item: Outgoing, error: DeliveryError) -> None:
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            row = await self._held_row(session, item)
            if row is None:
                return
            row.attempts += 1
            row.last_error = f"{error.code or ''} {error.reason}".strip()[:300]
            final = self._schedule_retry(row, error, now)
            if final is None:
                logger.info("outbox %s (%s %s) -> retry at %s (%s)", row.id, row.channel, row.kind,
                            row.not_before.isoformat(timespec="seconds"), row.last_error)
                return
            row.status = "expired" if final == RETRY_WINDOW_OVER else "failed"
            if isinstance(error, Unreachable):
                await session.execute(
                    update(ChannelIdentity)
                    .where(ChannelIdentity.channel == row.channel, ChannelIdentity.external_id == row.external_id)
                    .values(unreachable_since=now)
                )
            logger.warning("outbox %s (%s %s to %s) -> %s (%s) after %s attempts: %s", row.id, row.channel, row.kind,
                           ref(row.external_id), row.status, final, row.attempts, row.last_error)

    @staticmethod
    def _schedule_retry(row: OutboxMessage, error: DeliveryError, now: datetime) -> str | None:
        """Put the row back for a later try and return None, or say why this was the last try."""
        if isinstance(error, RateLimited):
            row.attempts -= 1  # throttling is not the message's fault
            retry_at = now + timedelta(seconds=max(error.retry_after, 1))
        elif isinstance(error, Retryable):
            retry_at = now + backoff(row.attempts)
        else:  # final errors, a closed WhatsApp window without a template, a blocked bot
            return FINAL_ERROR
        if row.attempts >= MAX_ATTEMPTS:
            return ATTEMPTS_EXHAUSTED
        if retry_at >= retry_deadline(row):
            return RETRY_WINDOW_OVER
        row.status, row.not_before = "pending", retry_at
        return None
