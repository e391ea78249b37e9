"""The outbox: claim, send, retry, expire, skip, and the rate limiter, with a recording sender."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from bot.delivery import FinalError, Outgoing, RateLimited, Retryable, SendResult, Unreachable
from bot.outbox import LEASE, enqueue
from bot.ratelimit import RateLimiter
from db.models import ChannelIdentity, OutboxMessage
from tests.conftest import Chat, Clock


@dataclass
class Recorder:
    """A sender that records what it was asked to send and fails as told."""

    channel: str = "console"
    failures: list[Exception] = field(default_factory=list)
    sent: list[Outgoing] = field(default_factory=list)

    async def send(self, item: Outgoing) -> SendResult:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(item)
        return SendResult([f"m{len(self.sent)}"])


async def queue(app: App, user: str, kind: str = "broadcast", **extra: object) -> int:
    async with app.sessionmaker() as session, session.begin():
        artisan_id = (await session.execute(select(ChannelIdentity.artisan_id).where(
            ChannelIdentity.external_id == user))).scalar_one()
        row = await enqueue(session, artisan_id=artisan_id, channel="console", external_id=user, kind=kind,
                            body={"text": "hai", "buttons": []}, dedupe_key=f"{kind}:{user}:{extra.get('n', 0)}",
                            now=app.clock(), **{k: v for k, v in extra.items() if k != "n"})  # type: ignore[arg-type]
        assert row is not None
        return row.id


async def row(app: App, row_id: int) -> OutboxMessage:
    async with app.sessionmaker() as session:
        return await session.get_one(OutboxMessage, row_id)


@pytest.fixture
async def sender(app: App) -> Recorder:
    recorder = Recorder()
    app.outbox.senders["console"] = recorder
    await Chat(app, user="p1").say("/start")
    return recorder


async def test_sent_once_with_the_provider_id(app: App, sender: Recorder) -> None:
    row_id = await queue(app, "p1")
    assert await app.outbox.run_once() == 1
    assert await app.outbox.run_once() == 0
    sent = await row(app, row_id)
    assert sent.status == "sent" and sent.provider_message_id == "m1" and len(sender.sent) == 1


async def test_the_same_dedupe_key_is_queued_once(app: App, sender: Recorder) -> None:
    await queue(app, "p1")
    with pytest.raises(AssertionError):
        await queue(app, "p1")


async def test_throttling_and_transient_errors_are_retried_later(app: App, sender: Recorder, clock: Clock) -> None:
    row_id = await queue(app, "p1")
    sender.failures = [RateLimited("slow down", retry_after=5, code=429), Retryable("timeout")]
    await app.outbox.run_once()
    waiting = await row(app, row_id)
    assert waiting.status == "pending" and waiting.not_before == clock() + timedelta(seconds=5)
    assert await app.outbox.run_once() == 0  # not yet
    clock.advance(seconds=5)
    await app.outbox.run_once()
    waiting = await row(app, row_id)
    assert waiting.status == "pending" and waiting.attempts == 1 and "timeout" in (waiting.last_error or "")
    clock.advance(seconds=2)
    await app.outbox.run_once()
    assert (await row(app, row_id)).status == "sent"


async def test_final_errors_are_recorded_with_their_code(app: App, sender: Recorder) -> None:
    row_id = await queue(app, "p1")
    sender.failures = [FinalError("Bad Request: chat not found", code=400)]
    await app.outbox.run_once()
    failed = await row(app, row_id)
    assert failed.status == "failed" and failed.last_error == "400 Bad Request: chat not found"


async def test_a_blocked_person_is_unreachable_until_they_write_again(app: App, sender: Recorder) -> None:
    first = await queue(app, "p1", n=1)
    second = await queue(app, "p1", n=2)
    sender.failures = [Unreachable("Forbidden: bot was blocked by the user", code=403)]
    await app.outbox.run_once()
    assert (await row(app, first)).status == "failed"
    assert (await row(app, second)).status == "skipped"  # proactive messages skip unreachable people
    await Chat(app, user="p1").say("halo")  # writing again makes them reachable
    third = await queue(app, "p1", n=3)
    await app.outbox.run_once()
    assert (await row(app, third)).status == "sent"


async def test_opted_out_and_expired_messages_are_not_sent(app: App, sender: Recorder, clock: Clock) -> None:
    expired = await queue(app, "p1", n=1, expires_at=clock() + timedelta(minutes=1))
    clock.advance(minutes=2)
    await app.outbox.run_once()
    assert (await row(app, expired)).status == "expired"
    await Chat(app, user="p1").say("STOP")
    skipped = await queue(app, "p1", n=2)
    await app.outbox.run_once()
    assert (await row(app, skipped)).status == "skipped" and sender.sent == []


async def test_a_row_left_by_a_dead_sender_is_taken_over_after_the_lease(app: App, sender: Recorder,
                                                                         clock: Clock) -> None:
    row_id = await queue(app, "p1")
    claimed = await app.outbox.claim()  # this sender dies before sending
    assert [c.outbox_id for c in claimed] == [row_id]
    assert await app.outbox.run_once() == 0
    clock.advance(seconds=LEASE.total_seconds() + 1)
    assert await app.outbox.run_once() == 1
    assert (await row(app, row_id)).status == "sent"


async def test_the_rate_limiter_keeps_the_account_and_chat_budgets() -> None:
    now = [0.0]

    async def fake_sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(per_second=30, per_chat_per_second=1, chat_burst=1, monotonic=lambda: now[0])
    original = asyncio.sleep
    asyncio.sleep = fake_sleep  # type: ignore[assignment]
    try:
        stamps = []
        for i in range(90):
            await limiter.acquire(f"chat{i}")
            stamps.append(now[0])
        same_chat = []
        for _ in range(3):
            await limiter.acquire("one")
            same_chat.append(now[0])
    finally:
        asyncio.sleep = original  # type: ignore[assignment]
    # 90 messages to different chats at 30/s, evenly spaced: about 3 seconds, never more than 30 in a second.
    assert 2.9 <= stamps[-1] <= 3.0
    assert all(sum(1 for s in stamps if t <= s < t + 1 - 1e-9) <= 30 for t in stamps)
    assert same_chat[2] - same_chat[0] >= 2.0 - 1e-9


async def test_several_senders_share_the_queue_without_sending_twice(app: App, sender: Recorder) -> None:
    """Two outbox senders (as two workers would) claim at the same time: every row goes out exactly once."""
    from bot.outbox import Outbox

    for n in range(60):
        await queue(app, "p1", n=n)
    other = Recorder()
    second = Outbox(app.sessionmaker, {"console": other}, {}, app.clock, skip_locked=app.outbox.skip_locked)
    first_claim, second_claim = await asyncio.gather(app.outbox.claim(limit=40), second.claim(limit=40))
    ids_first = {item.outbox_id for item in first_claim}
    ids_second = {item.outbox_id for item in second_claim}
    assert not ids_first & ids_second
    assert len(ids_first | ids_second) == 60
    await asyncio.gather(app.outbox.deliver(first_claim), second.deliver(second_claim))
    assert len(sender.sent) + len(other.sent) == 60


async def test_a_busy_chat_does_not_hold_up_the_rows_claimed_after_it(app: App, sender: Recorder, clock: Clock) -> None:
    """Four broadcasts to one person, then one to another: the busy chat's fourth goes back to pending for a
    moment (its budget allows a burst of 3), the other person's row goes out in the same pass."""
    await Chat(app, user="p2").say("/start")
    app.outbox.limiters["console"] = RateLimiter(per_second=100, per_chat_per_second=0.2, chat_burst=3)
    busy = [await queue(app, "p1", n=n) for n in range(4)]
    other = await queue(app, "p2")
    began = asyncio.get_running_loop().time()
    assert await app.outbox.run_once() == 5
    assert asyncio.get_running_loop().time() - began < 2.0  # nobody waited the chat's 5 s
    assert [item.outbox_id for item in sender.sent if item.external_id == "p2"] == [other]
    assert [item.outbox_id for item in sender.sent if item.external_id == "p1"] == busy[:3]
    deferred = await row(app, busy[3])
    assert deferred.status == "pending" and deferred.attempts == 0 and deferred.not_before > clock()
