"""Long polling with getUpdates (`kriya poll`), and starting and stopping the channel against the fake."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.app import open_app
from bot.channels.telegram import TelegramChannel
from bot.config import ConfigError
from db.models import InboundMessage
from tests.conftest import Clock
from tests.telegram.conftest import CHAT, Kriya, serving, telegram_settings
from tests.telegram.fake_bot_api import FakeBotApi


async def test_polling_handles_updates_and_confirms_them(fake: FakeBotApi, database_url: str, clock: Clock) -> None:
    fake.webhook = {"url": "https://kriya.example/telegram/webhook"}  # left over from `kriya serve`
    first, second = fake.message(CHAT, "/start"), fake.message(CHAT + 1, "/bantuan")
    fake.queue_update(first)
    fake.queue_update(second)
    settings = telegram_settings(database_url, fake, telegram_webhook_secret=None)  # polling needs none
    async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
        channel = app.channel("telegram")
        assert isinstance(channel, TelegramChannel)
        channel.poll_wait = 5
        polling = asyncio.create_task(channel.poll())
        await fake.wait_until(lambda: fake.sent(CHAT) and fake.sent(CHAT + 1))

        later = fake.message(CHAT, "menu")  # arrives while a getUpdates call is waiting
        fake.queue_update(later)
        await fake.wait_until(lambda: len(fake.sent(CHAT)) == 2)
        assert fake.sent(CHAT)[-1]["text"].startswith("Menu utama")
        polling.cancel()
        with pytest.raises(asyncio.CancelledError):
            await polling
        await channel.idle()

    methods = [c.method for c in fake.calls]
    assert methods.index("deleteWebhook") < methods.index("getUpdates")
    assert not fake.calls_to("getUpdates", ok=False)  # never in conflict with the old webhook
    assert fake.confirmed_offset == later["update_id"] + 1  # confirmed on the way out
    assert fake.updates == []
    assert fake.calls_to("getUpdates")[0].params["allowed_updates"] == ["message", "callback_query"]


async def test_polling_answers_taps_and_survives_api_errors(
    fake: FakeBotApi, database_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    settings = telegram_settings(database_url, fake, telegram_webhook_secret=None)
    async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
        channel = app.channel("telegram")
        assert isinstance(channel, TelegramChannel)
        channel.poll_wait, channel.poll_retry_seconds = 5, 0.01
        fake.fail("getUpdates", 502, "Bad Gateway", times=2)
        fake.queue_update(fake.message(CHAT, "/start"))
        polling = asyncio.create_task(channel.poll())
        await fake.wait_until(lambda: fake.sent(CHAT))
        tap = fake.tap(CHAT, "Tips pasar")
        fake.queue_update(tap)
        await fake.wait_until(lambda: len(fake.sent(CHAT)) == 2)
        assert fake.answered_callbacks == [tap["callback_query"]["id"]]
        polling.cancel()
        with pytest.raises(asyncio.CancelledError):
            await polling
    assert len(fake.calls_to("getUpdates", ok=False)) == 2
    assert "getUpdates failed" in caplog.text


async def test_polling_again_after_a_restart_handles_nothing_twice(
    fake: FakeBotApi, database_url: str, clock: Clock
) -> None:
    update = fake.message(CHAT, "/start")
    settings = telegram_settings(database_url, fake, telegram_webhook_secret=None)
    for _restart in range(2):  # the update was never confirmed: Telegram gives it again after a crash
        fake.updates = [update]
        calls_before = len(fake.calls_to("getUpdates"))
        async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
            channel = app.channel("telegram")
            assert isinstance(channel, TelegramChannel)
            channel.poll_wait = 0  # short polling: the test does not wait for a long poll to end
            polling = asyncio.create_task(channel.poll())

            def polled_again(before: int = calls_before) -> bool:
                return len(fake.calls_to("getUpdates")) >= before + 2

            await fake.wait_until(polled_again)
            polling.cancel()
            await asyncio.gather(polling, return_exceptions=True)
    assert len(fake.sent(CHAT)) == 1


async def test_start_survives_a_missing_optional_method(
    fake: FakeBotApi, database_url: str, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    fake.unimplemented.add("setMyCommands")
    async with serving(fake, telegram_settings(database_url, fake), clock, demo=False) as kriya:
        await kriya.send(fake.message(CHAT, "/start"))
        assert fake.sent(CHAT)
    assert "setMyCommands" in caplog.text and fake.commands == {}


async def test_an_unreachable_api_at_start_is_retried(
    fake: FakeBotApi, database_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TelegramChannel, "start_retry_seconds", 0.05)
    fake.fail("getMe", 502, "Bad Gateway", times=2)
    async with serving(fake, telegram_settings(database_url, fake), clock, demo=False) as kriya:
        early = await kriya.post(fake.message(CHAT, "/start"))
        assert early.status_code == 503 or kriya.channel.ready  # Telegram sends it again later
        await fake.wait_until(lambda: kriya.channel.ready)
        await kriya.send(fake.message(CHAT, "/start"))
        assert fake.sent(CHAT) and fake.commands
        assert await kriya.count(InboundMessage) == 1


async def test_a_rejected_token_is_a_clear_error(fake: FakeBotApi, database_url: str, clock: Clock) -> None:
    settings = telegram_settings(database_url, fake, telegram_bot_token="999:WRONG")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN was rejected"):
        async with open_app(settings, clock=clock, migrate=False, with_channels=True):
            pass
    assert fake.calls_to("getMe")[0].status == 401


async def test_stop_waits_for_replies_under_way(fake: FakeBotApi, database_url: str, clock: Clock) -> None:
    async with serving(fake, telegram_settings(database_url, fake), clock, demo=False) as kriya:
        fake.delay = 0.2
        response = await kriya.post(fake.message(CHAT, "/start"))
        assert response.status_code == 200 and not fake.sent(CHAT)
    assert fake.sent(CHAT)  # the channel's stop() let the send finish before closing


async def test_logs_are_quiet_for_normal_traffic(kriya: Kriya, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    await kriya.send(kriya.fake.message(CHAT, "/start"))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
