"""Fixtures for the Telegram channel: the fake Bot API, and Kriya serving its webhook over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App, open_app
from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel
from bot.config import Settings
from bot.web import create_web_app
from db.seed import seed_demo
from tests.conftest import Clock
from tests.telegram.fake_bot_api import FakeBotApi, LocalServer

TOKEN = "123:TEST"
SECRET = "kriya-webhook_Secret-1"
CHAT = 7001  # a private chat: its id is the person's Telegram user id


def telegram_settings(database_url: str, fake: FakeBotApi, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "telegram_bot_token": TOKEN,
        "telegram_api_base_url": fake.base_url,
        "telegram_webhook_secret": SECRET,
        # generous budgets so tests are not paced (test_channel_uses_the_configured_rate_limits checks wiring)
        "telegram_rate": 1000.0,
        "telegram_chat_rate": 1000.0,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi(TOKEN)
    await api.start()
    yield api
    await api.stop()


@dataclass
class Kriya:
    """Kriya with its Telegram webhook served on 127.0.0.1, and the fake Bot API it talks to."""

    app: App
    fake: FakeBotApi
    url: str
    http: httpx.AsyncClient

    @property
    def channel(self) -> TelegramChannel:
        channel = self.app.channel("telegram")
        assert isinstance(channel, TelegramChannel)
        return channel

    async def post(self, update: Any, secret: str | None = SECRET, raw: bytes | None = None) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        if raw is not None:
            return await self.http.post(self.url + WEBHOOK_PATH, content=raw, headers=headers)
        return await self.http.post(self.url + WEBHOOK_PATH, json=update, headers=headers)

    async def send(self, update: dict[str, Any]) -> httpx.Response:
        """POST one update with the right secret, then wait until its replies went out."""
        response = await self.post(update)
        assert response.status_code == 200, response.text
        await self.settle()
        return response

    async def settle(self, within: float = 5.0) -> None:
        """Wait (at most `within` seconds) until the channel's background sends are done."""
        await asyncio.wait_for(self.channel.idle(), within)

    async def count(self, model: type) -> int:
        async with self.app.sessionmaker() as session:
            return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@asynccontextmanager
async def serving(fake: FakeBotApi, settings: Settings, clock: Clock, demo: bool) -> AsyncIterator[Kriya]:
    """Open Kriya with its Telegram channel (getMe, setMyCommands on the fake), serve its web app on 127.0.0.1."""
    async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
        if demo:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session, clock())
        server = LocalServer(create_web_app(app, run_background=False))
        await server.start()
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                yield Kriya(app, fake, server.url, http)
        finally:
            await server.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "catalogue: load the demo catalogue before the test (slower)")


@pytest.fixture
async def kriya(
    request: pytest.FixtureRequest, fake: FakeBotApi, database_url: str, clock: Clock
) -> AsyncIterator[Kriya]:
    """Kriya on Telegram; with the demo catalogue when the test is marked `catalogue`."""
    demo = request.node.get_closest_marker("catalogue") is not None
    async with serving(fake, telegram_settings(database_url, fake), clock, demo=demo) as running:
        yield running
