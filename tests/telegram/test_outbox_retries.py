"""Long Bot API outages and late answers: a reply is retried while it makes sense, and sent once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbox import REPLY_TTL
from db.models import OutboxMessage
from tests.conftest import NOW, Clock
from tests.telegram.conftest import CHAT, Kriya

OUTAGE = timedelta(hours=2)  # far beyond the old budget of 8 attempts (about 4.5 minutes)


async def outbox_rows(kriya: Kriya) -> list[OutboxMessage]:
    async with kriya.app.sessionmaker() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def retry_until(kriya: Kriya, clock: Clock, until: timedelta) -> int:
    """Run the outbox at each retry time of the pending rows until `until` after NOW; returns the passes."""
    passes = 0
    while True:
        due = [row.not_before for row in await outbox_rows(kriya) if row.status == "pending"]
        if not due or min(due) > NOW + until:
            return passes
        clock.now = max(clock.now, min(due))
        await kriya.app.outbox.run_once()
        passes += 1


async def test_a_reply_survives_a_long_outage_and_goes_once(kriya: Kriya, clock: Clock) -> None:
    kriya.fake.fail("sendMessage", 502, "Bad Gateway", chat_id=CHAT, times=100_000)
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    [row] = await outbox_rows(kriya)
    assert row.status == "pending" and row.expires_at == NOW + REPLY_TTL
    passes = await retry_until(kriya, clock, OUTAGE)
    assert passes > 8
    [row] = await outbox_rows(kriya)
    assert row.status == "pending"  # still trying: the reply makes sense for some hours
    assert row.not_before - clock.now <= timedelta(minutes=5)  # the backoff is capped

    kriya.fake.failures.clear()  # the provider is back
    clock.now = row.not_before
    assert await kriya.app.outbox.run_once() == 1
    [row] = await outbox_rows(kriya)
    assert row.status == "sent" and row.attempts == passes + 2
    assert len(kriya.fake.sent(CHAT)) == 1
    assert await kriya.app.outbox.run_once() == 0


async def test_a_reply_older_than_its_expiry_is_given_up_with_a_warning(kriya: Kriya, clock: Clock,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    kriya.fake.fail("sendMessage", 502, "Bad Gateway", chat_id=CHAT, times=100_000)
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    caplog.set_level(logging.INFO, logger="bot.outbox")
    await retry_until(kriya, clock, REPLY_TTL + timedelta(hours=1))
    [row] = await outbox_rows(kriya)
    assert row.status == "expired" and row.sent_at is None
    assert clock.now < row.created_at + REPLY_TTL + timedelta(minutes=5)
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING and r.name.startswith("bot.outbox")]
    message = warning.getMessage()
    assert f"outbox {row.id}" in message and "telegram" in message and "reply" in message and "network" in message
    assert str(CHAT) not in message  # the chat id appears only as a reference
    assert not kriya.fake.sent(CHAT)


async def test_a_late_telegram_answer_is_waited_for_not_resent(kriya: Kriya, clock: Clock) -> None:
    """The Bot API takes 6 s to answer (PTB's default read timeout is 5 s): one copy, recorded as sent."""
    kriya.fake.answer_delay = 6.0
    await kriya.post(kriya.fake.message(CHAT, "/start"))
    await kriya.settle(within=30)
    for _ in range(3):  # whatever a retry would do, it has had its chance
        clock.advance(minutes=1)
        await kriya.app.outbox.run_once()
    texts = [params["text"] for params in kriya.fake.sent(CHAT)]
    assert len(texts) == len(set(texts)) == 1
    assert [row.status for row in await outbox_rows(kriya)] == ["sent"]
