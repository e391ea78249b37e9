"""When the database cannot be used, a message is not lost: the webhook answers 503 (Telegram and Meta deliver it
again), the id is not marked seen, and /healthz says what is wrong. An error of the conversation itself is
answered with an apology instead, and the message is recorded."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from bot.app import App, open_app
from bot.context import HandlerContext
from bot.core import IncomingMessage, Reply
from bot.web import create_web_app
from db.models import InboundMessage, OutboxMessage
from tests.conftest import Clock
from tests.telegram.conftest import CHAT, Kriya, serving, telegram_settings
from tests.telegram.fake_bot_api import FakeBotApi, LocalServer
from tests.whatsapp import conftest as whatsapp


class Outage:
    """Makes every statement fail as when the database server is unreachable, until switched off."""

    def __init__(self, app: App) -> None:
        self.down = False
        event.listen(app.engine.sync_engine, "before_cursor_execute", self._check)

    def _check(self, *_args: Any) -> None:
        if self.down:
            raise OperationalError("(outage)", None, ConnectionRefusedError("database unreachable"))


async def inbound_count(app: App) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(InboundMessage)) or 0)


async def sent_rows(app: App) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent")) or 0)


@pytest.fixture
async def telegram(database_url: str, clock: Clock) -> AsyncIterator[Kriya]:
    fake = FakeBotApi("123:TEST")
    await fake.start()
    try:
        async with serving(fake, telegram_settings(database_url, fake), clock, demo=True) as kriya:
            yield kriya
    finally:
        await fake.stop()


async def test_telegram_gets_503_while_the_database_is_down_and_the_retry_is_answered_once(telegram: Kriya) -> None:
    outage = Outage(telegram.app)
    update = telegram.fake.message(CHAT, "halo")
    outage.down = True
    assert (await telegram.post(update)).status_code == 503
    await telegram.settle()
    assert telegram.fake.sent(CHAT) == []  # no apology that would make the person think it was handled
    outage.down = False
    assert await inbound_count(telegram.app) == 0
    assert (await telegram.post(update)).status_code == 200  # Telegram's retry
    await telegram.settle()
    assert len(telegram.fake.sent(CHAT)) == 1 and await inbound_count(telegram.app) == 1
    assert (await telegram.post(update)).status_code == 200  # and again: a duplicate, answered once
    await telegram.settle()
    assert len(telegram.fake.sent(CHAT)) == 1


async def test_whatsapp_gets_503_while_the_database_is_down_and_the_retry_is_answered_once(
    database_url: str, clock: Clock
) -> None:
    async with whatsapp.serving(database_url, clock) as harness:
        outage = Outage(harness.app)
        update = whatsapp.text("halo", wamid=whatsapp.new_wamid())
        outage.down = True
        assert (await harness.post(update)).status_code == 503
        await harness.channel.drain()
        assert harness.fake.sent == []
        outage.down = False
        assert await inbound_count(harness.app) == 0
        assert len(await harness.send(update)) == 1  # Meta's retry: 200 and one reply
        assert await harness.send(update) == []  # again: a duplicate
        assert await inbound_count(harness.app) == 1


async def test_healthz_reports_the_database(database_url: str, clock: Clock) -> None:
    async with whatsapp.serving(database_url, clock) as harness:
        healthy = await harness.client.get("/healthz")
        assert healthy.status_code == 200
        assert healthy.json()["database"] == "ok" and healthy.json()["channels"] == {"whatsapp": "ok"}
        outage = Outage(harness.app)
        outage.down = True
        down = await harness.client.get("/healthz")
        assert down.status_code == 503 and down.json()["database"] == "unreachable"
        outage.down = False
        assert (await harness.client.get("/healthz")).status_code == 200


@pytest.mark.parametrize("unreachable", ["sqlite+aiosqlite:////nonexistent-dir/kriya.db",
                                         "postgresql+asyncpg://postgres@127.0.0.1:1/none"])
async def test_a_database_unreachable_from_the_start(unreachable: str, clock: Clock) -> None:
    """`kriya serve` with a database it cannot reach: /healthz is 503 and webhooks are 503, nothing pretends."""
    fake = FakeBotApi("123:TEST")
    await fake.start()
    try:
        settings = telegram_settings(unreachable, fake)
        async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
            server = LocalServer(create_web_app(app, run_background=False))
            await server.start()
            try:
                async with httpx.AsyncClient(timeout=10) as http:
                    kriya = Kriya(app, fake, server.url, http)
                    health = await http.get(server.url + "/healthz")
                    assert health.status_code == 503 and health.json()["database"] == "unreachable"
                    assert (await kriya.post(fake.message(CHAT, "halo"))).status_code == 503
            finally:
                await server.stop()
    finally:
        await fake.stop()
    assert fake.sent(CHAT) == []


async def test_an_error_of_the_conversation_gets_an_apology_and_the_message_is_recorded(telegram: Kriya) -> None:
    async def broken(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        raise RuntimeError("a bug")

    telegram.app.dispatcher.router.command("rusak", broken)
    update = telegram.fake.message(CHAT, "/rusak")
    assert (await telegram.post(update)).status_code == 200
    await telegram.settle()
    assert len(telegram.fake.sent(CHAT)) == 1  # the apology
    assert await inbound_count(telegram.app) == 1
    assert (await telegram.post(update)).status_code == 200  # a retry does not apologise twice
    await telegram.settle()
    assert len(telegram.fake.sent(CHAT)) == 1
