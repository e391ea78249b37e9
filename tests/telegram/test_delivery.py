"""Bot API errors become typed outcomes, and the outbox acts on them (retry later, give up, mark unreachable)."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)

from bot.channels.telegram_errors import delivery_error
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.delivery import FinalError, RateLimited, Retryable, Unreachable
from bot.logs import ref
from db.models import ChannelIdentity, OutboxMessage
from tests.conftest import NOW, Clock
from tests.telegram.conftest import CHAT, Kriya


async def outbox_rows(kriya: Kriya) -> list[OutboxMessage]:
    async with kriya.app.sessionmaker() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


@pytest.mark.parametrize(("error", "kind", "code"), [
    (RetryAfter(7), RateLimited, 429),
    (RetryAfter(timedelta(seconds=2.5)), RateLimited, 429),
    (Forbidden("Forbidden: bot was blocked by the user"), Unreachable, 403),
    (Forbidden("Forbidden: user is deactivated"), Unreachable, 403),
    (BadRequest("Bad Request: chat not found"), FinalError, 400),
    (ChatMigrated(-100200), FinalError, 400),
    (TimedOut(), Retryable, "network"),
    (NetworkError("Bad Gateway (502)"), Retryable, "network"),
    (Conflict("Conflict: terminated by other getUpdates request"), Retryable, "network"),
    (InvalidToken(), Retryable, 401),
])
def test_telegram_errors_map_to_typed_outcomes(error: Exception, kind: type, code: object) -> None:
    outcome = delivery_error(error, "sendMessage", CHAT)  # type: ignore[arg-type]
    assert type(outcome) is kind and outcome.code == code
    if isinstance(error, RetryAfter):
        assert isinstance(outcome, RateLimited)
        assert outcome.retry_after == (7.0 if error.message.endswith("7 seconds") else 2.5)


async def test_429_puts_the_row_back_until_retry_after(kriya: Kriya, clock: Clock) -> None:
    kriya.fake.rate_limit("sendMessage", retry_after=5, chat_id=CHAT)
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    [row] = await outbox_rows(kriya)
    assert (row.status, row.attempts) == ("pending", 0)  # throttling is not the message's fault
    assert row.not_before == NOW + timedelta(seconds=5)
    assert row.last_error and "429" in row.last_error and "retry" in row.last_error.lower()
    assert not kriya.fake.sent(CHAT)

    assert await kriya.app.outbox.run_once() == 0  # not due yet
    clock.advance(seconds=5)
    assert await kriya.app.outbox.run_once() == 1
    [row] = await outbox_rows(kriya)
    assert row.status == "sent" and row.provider_message_id
    assert kriya.fake.sent(CHAT)[0]["text"].startswith("Halo")


async def test_403_marks_the_person_unreachable(kriya: Kriya, clock: Clock) -> None:
    update = kriya.fake.message(CHAT, "/start")
    kriya.fake.blocked.add(CHAT)
    await kriya.send(update)
    [row] = await outbox_rows(kriya)
    assert row.status == "failed" and "blocked" in (row.last_error or "")
    async with kriya.app.sessionmaker() as session:
        identity = (await session.scalars(select(ChannelIdentity))).one()
    assert identity.unreachable_since == NOW


async def test_other_400s_are_final_and_logged_with_context(kriya: Kriya, caplog: pytest.LogCaptureFixture) -> None:
    kriya.fake.fail("sendMessage", 400, "Bad Request: chat not found", chat_id=CHAT)
    with caplog.at_level(logging.WARNING, logger="bot.channels.telegram_errors"):
        await kriya.send(kriya.fake.message(CHAT, "/start"))
    [row] = await outbox_rows(kriya)
    assert row.status == "failed" and row.attempts == 1
    [record] = [r for r in caplog.records if r.name == "bot.channels.telegram_errors"]
    assert ref(CHAT) in record.getMessage() and "sendMessage" in record.getMessage()
    assert str(CHAT) not in record.getMessage()  # the chat id itself stays out of the log
    assert "Chat not found" in record.getMessage()


@pytest.mark.parametrize(("code", "description"), [(500, "Internal Server Error"), (502, "Bad Gateway")])
async def test_5xx_is_retried_with_backoff(kriya: Kriya, clock: Clock, code: int, description: str) -> None:
    kriya.fake.fail("sendMessage", code, description, chat_id=CHAT)
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    [row] = await outbox_rows(kriya)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.not_before == NOW + timedelta(seconds=2)
    clock.advance(seconds=2)
    await kriya.app.outbox.run_once()
    assert (await outbox_rows(kriya))[0].status == "sent"


async def test_a_payload_over_64_bytes_is_never_sent(kriya: Kriya, caplog: pytest.LogCaptureFixture) -> None:
    async def bad_button(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        return [Reply("Pilih:", (Button("Terlalu panjang", "td:" + "X" * 62),))]

    kriya.app.dispatcher.router.command("rusak", bad_button)
    await kriya.send(kriya.fake.message(CHAT, "/rusak"))
    [row] = await outbox_rows(kriya)
    assert row.status == "failed" and "64" in (row.last_error or "")
    assert not kriya.fake.calls_to("sendMessage")
    assert "callback_data" in caplog.text


async def test_a_long_reply_interrupted_is_not_repeated(kriya: Kriya, clock: Clock) -> None:
    text = "\n\n".join(["Paragraf pertama. " * 150, "Paragraf kedua. " * 150, "Paragraf ketiga. " * 150])

    async def long_answer(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        return [Reply(text, (Button("Menu", "menu"),))]

    kriya.app.dispatcher.router.command("panjang", long_answer)
    kriya.fake.rate_limit("sendMessage", retry_after=3, chat_id=CHAT, skip=1)  # the second part is refused
    await kriya.send(kriya.fake.message(CHAT, "/panjang"))
    assert len(kriya.fake.sent(CHAT)) == 1
    clock.advance(seconds=3)
    await kriya.app.outbox.run_once()
    parts = [p["text"] for p in kriya.fake.sent(CHAT)]
    assert len(parts) == 3 and [p.split(".")[0] for p in parts] == ["Paragraf pertama", "Paragraf kedua",
                                                                   "Paragraf ketiga"]
    [row] = await outbox_rows(kriya)
    assert row.status == "sent" and len(row.body["provider_ids"]) == 3


async def test_an_edit_refused_for_a_blocked_person_marks_them_unreachable(kriya: Kriya) -> None:
    async def page(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        return [Reply(f"Halaman {msg.payload}", (Button("Lagi", "page:2"),), replace=bool(msg.payload))]

    kriya.app.dispatcher.router.command("halaman", page)
    kriya.app.dispatcher.router.payload("page", page)
    await kriya.send(kriya.fake.message(CHAT, "/halaman"))
    tap = kriya.fake.tap(CHAT, "Lagi")
    kriya.fake.blocked.add(CHAT)
    await kriya.send(tap)
    assert kriya.fake.calls_to("editMessageText", ok=False)[0].status == 403
    rows = await outbox_rows(kriya)
    assert rows[-1].status == "failed"
