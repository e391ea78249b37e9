"""Outbox claims: renewed while held (a heartbeat inside the lease), outcomes recorded only by the holder."""

from __future__ import annotations

import asyncio
import collections
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.core import IncomingMessage
from bot.delivery import Outgoing, SendResult
from bot.outbox import Outbox, enqueue
from bot.ratelimit import RateLimiter
from db.models import OutboxMessage
from tests.conftest import Chat, Clock

SHORT_LEASE = timedelta(seconds=0.3)
USER = "p1"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Recorder:
    """A sender that records every send (by outbox id); `during` runs inside a send, as a slow network would."""

    channel: str = "console"
    sent: list[Outgoing] = field(default_factory=list)
    during: object = None

    async def send(self, item: Outgoing) -> SendResult:
        self.sent.append(item)
        if callable(self.during):
            await self.during()  # type: ignore[misc]
        return SendResult([f"{id(self)}-{len(self.sent)}"])


async def rows(app: App) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def queue_broadcast(app: App, n: int = 0) -> int:
    async with app.sessionmaker() as session, session.begin():
        row = await enqueue(session, artisan_id=None, channel="console", external_id=USER, kind="broadcast",
                            body={"text": f"info {n}", "buttons": []}, dedupe_key=f"b:{n}", now=app.clock())
        assert row is not None
        return row.id


async def test_replies_waiting_in_the_rate_limit_past_the_lease_are_sent_once(app: App, clock: Clock) -> None:
    """Replies claimed by the dispatcher wait in the per-chat limit longer than the lease while the outbox loop
    runs: the loop must not take them over (their claim is renewed), and each goes out exactly once."""
    recorder = Recorder()
    limiter = RateLimiter(per_second=1000, per_chat_per_second=20, chat_burst=1)
    outbox = Outbox(app.sessionmaker, {"console": recorder}, {"console": limiter}, utc_now, lease=SHORT_LEASE)
    done = asyncio.Event()

    async def outbox_loop() -> None:
        while not done.is_set():
            await outbox.run_once()
            await asyncio.sleep(0.02)

    chain: asyncio.Queue[list[Outgoing] | None] = asyncio.Queue()

    async def person_chain() -> None:  # as the channels do: one person's replies in order, in the background
        while (queued := await chain.get()) is not None:
            await outbox.deliver(queued)

    loop, deliveries = asyncio.create_task(outbox_loop()), asyncio.create_task(person_chain())
    items: list[Outgoing] = []
    for number in range(15):
        clock.now = utc_now()  # the dispatcher claims its rows "now", on the outbox's clock too
        msg = IncomingMessage(channel="console", user_id=USER, message_id=uuid.uuid4().hex, name="Sari",
                              text="halo" if number % 2 else "/start")
        replies = await app.dispatcher.handle_queued(msg)
        items.extend(replies)
        chain.put_nowait(replies)
    chain.put_nowait(None)
    await deliveries  # the items waited for the chat's budget (20/s): the last ones much longer than the lease
    await asyncio.sleep(3 * SHORT_LEASE.total_seconds())  # time for the loop to take over anything left
    done.set()
    await loop
    await outbox.close()
    assert len(items) >= 15 and all(item.outbox_id for item in items)

    per_row = collections.Counter(item.outbox_id for item in recorder.sent)
    assert sorted(per_row) == sorted(item.outbox_id for item in items)
    assert set(per_row.values()) == {1}, f"{sum(n - 1 for n in per_row.values())} duplicates"
    assert {row.status for row in await rows(app)} == {"sent"}


async def test_a_held_claim_is_renewed_and_not_taken_over(app: App) -> None:
    await Chat(app, user=USER).say("/start")
    first = Outbox(app.sessionmaker, {"console": Recorder()}, {}, utc_now, lease=SHORT_LEASE)
    second = Outbox(app.sessionmaker, {"console": Recorder()}, {}, utc_now, lease=SHORT_LEASE)
    async with app.sessionmaker() as session, session.begin():
        await enqueue(session, artisan_id=None, channel="console", external_id=USER, kind="broadcast",
                      body={"text": "info", "buttons": []}, dedupe_key="b", now=utc_now())
    [held] = await first.claim()
    await asyncio.sleep(4 * SHORT_LEASE.total_seconds())  # held (e.g. waiting in a rate limit) for 4 leases
    assert await second.claim() == []  # the heartbeat kept the claim alive
    await first.deliver([held])
    [row] = await rows(app)
    assert row.status == "sent" and row.attempts == 1
    await first.close()
    await second.close()


async def test_a_sender_whose_claim_was_taken_over_does_not_record(app: App, clock: Clock,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """Sender A stalls past the lease inside its send; B takes the row over and records it. A's late result
    must not overwrite B's record (nor count as a second attempt)."""
    await Chat(app, user=USER).say("/start")
    row_id = await queue_broadcast(app)
    b_sender = Recorder()
    b = Outbox(app.sessionmaker, {"console": b_sender}, {}, app.clock)

    async def stall_then_b_takes_over() -> None:
        clock.advance(seconds=app.outbox.lease.total_seconds() + 1)
        assert await b.run_once() == 1

    a_sender = Recorder(during=stall_then_b_takes_over)
    a = Outbox(app.sessionmaker, {"console": a_sender}, {}, app.clock)
    caplog.set_level(logging.INFO, logger="bot.outbox")
    assert await a.run_once() == 1
    [row] = [r for r in await rows(app) if r.id == row_id]
    assert row.status == "sent" and row.attempts == 1
    assert row.provider_message_id == f"{id(b_sender)}-1"  # B's record stands
    assert any("claim lost" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)
    await a.close()
    await b.close()


async def test_a_row_taken_over_while_waiting_is_not_sent_by_the_old_holder(app: App) -> None:
    """The heartbeat finds a held row claimed by another sender: the old holder skips it."""
    await Chat(app, user=USER).say("/start")
    await queue_broadcast(app)
    recorder = Recorder()
    first = Outbox(app.sessionmaker, {"console": recorder}, {}, utc_now, lease=SHORT_LEASE)
    [held] = await first.claim()
    async with app.sessionmaker() as session, session.begin():  # another sender took it over (it had stalled)
        row = await session.get_one(OutboxMessage, held.outbox_id)
        row.claim_token = uuid.uuid4().hex
    assert await first.renew() == 0
    await first.deliver([held])
    assert recorder.sent == []
    [row] = await rows(app)
    assert row.status == "sending"  # left to its new holder
    await first.close()
