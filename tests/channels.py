"""One person chatting through a real channel: the console (the dispatcher), Telegram (webhook over HTTP, fake
Bot API) or WhatsApp (signed webhook over HTTP, fake Graph API). Flows are tested through all three."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from bot.app import App, open_app
from bot.config import Settings
from bot.core import Reply
from db.seed import seed_demo
from tests.conftest import Chat, Clock
from tests.telegram import conftest as telegram
from tests.telegram.fake_bot_api import FakeBotApi
from tests.whatsapp import conftest as whatsapp

CHANNELS = ("console", "telegram", "whatsapp")
TELEGRAM_CHAT = 987654321  # the person's Telegram id (their chat id)
WHATSAPP_USER = "6281398765432"  # the person's WhatsApp id: their phone number


class ChannelChat(Protocol):
    app: App
    channel: str
    user: str  # the person's id on the channel (chat id, phone number)

    async def say(self, text: str) -> str:
        """Send a message; the text of the replies it caused."""
        ...

    async def tap(self, title: str) -> str:
        """Choose the option whose title contains `title` among the last replies."""
        ...


class ConsoleChat:
    def __init__(self, app: App) -> None:
        self.app = app
        self.channel = "console"
        self.chat = Chat(app, user="console-person-1")
        self.user = self.chat.user
        self.sent_replies: list[Reply] = []  # every reply of the conversation, in order

    async def say(self, text: str) -> str:
        self.sent_replies += await self.chat.say(text)
        return self.chat.text

    async def tap(self, title: str) -> str:
        self.sent_replies += await self.chat.tap(title)
        return self.chat.text


class TelegramChat:
    def __init__(self, kriya: telegram.Kriya) -> None:
        self.kriya = kriya
        self.app = kriya.app
        self.channel = "telegram"
        self.user = str(TELEGRAM_CHAT)

    async def _send(self, update: dict[str, Any]) -> str:
        before = len(self.kriya.fake.shown(TELEGRAM_CHAT))
        await self.kriya.send(update)
        shown = self.kriya.fake.shown(TELEGRAM_CHAT)[before:]  # messages, photos (their captions), edits
        return "\n\n".join(str(params.get("text", params.get("caption", ""))) for params in shown)

    async def say(self, text: str) -> str:
        return await self._send(self.kriya.fake.message(TELEGRAM_CHAT, text, first_name="Sari"))

    async def tap(self, title: str) -> str:
        return await self._send(self.kriya.fake.tap(TELEGRAM_CHAT, title))


class WhatsAppChat:
    def __init__(self, harness: whatsapp.WhatsApp) -> None:
        self.harness = harness
        self.app = harness.app
        self.channel = "whatsapp"
        self.user = WHATSAPP_USER
        self.last: list[Any] = []

    def wamid(self) -> str:
        return f"wamid.{WHATSAPP_USER}{uuid.uuid4().hex}"  # real ids embed the sender's number (base64)

    async def _send(self, payload: dict[str, Any]) -> str:
        self.last = await self.harness.send(payload)
        return "\n\n".join(sent.body for sent in self.last)

    async def say(self, text: str) -> str:
        return await self._send(whatsapp.text(text, user=WHATSAPP_USER, wamid=self.wamid()))

    async def tap(self, title: str) -> str:
        for sent in reversed(self.last):
            for option_id, shown in sent.options:
                if title.casefold() in shown.casefold():
                    kind = "button_reply" if sent.type == "interactive:button" else "list_reply"
                    return await self._send(whatsapp.chose(option_id, shown, kind=kind, user=WHATSAPP_USER,
                                                           wamid=self.wamid()))
        for sent in reversed(self.last):  # more options than a list holds: numbered text, answered by number
            for line in sent.body.splitlines():
                number, dot, shown = line.strip().partition(". ")
                if dot and number.isdigit() and title.casefold() in shown.casefold():
                    return await self.say(number)
        raise AssertionError(f"no option like {title!r} in {[s.body for s in self.last]}")


@asynccontextmanager
async def chatting(channel: str, database_url: str, clock: Clock) -> AsyncIterator[ChannelChat]:
    """A person talking to Kriya (with the demo catalogue) on `channel`."""
    if channel == "console":
        async with open_app(Settings(database_url=database_url), clock=clock, migrate=False) as app:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session, clock())
            yield ConsoleChat(app)
    elif channel == "telegram":
        fake = FakeBotApi(telegram.TOKEN)
        await fake.start()
        try:
            settings = telegram.telegram_settings(database_url, fake)
            async with telegram.serving(fake, settings, clock, demo=True) as kriya:
                yield TelegramChat(kriya)
        finally:
            await fake.stop()
    elif channel == "whatsapp":
        async with whatsapp.serving(database_url, clock) as harness:
            yield WhatsAppChat(harness)
    else:
        raise ValueError(channel)


async def form_step(chat: ChannelChat) -> str | None:
    """The conversation state of the person behind `chat` (e.g. 'register:name'), read from the database."""
    from sqlalchemy import select

    from db.models import ChannelIdentity, Conversation

    async with chat.app.sessionmaker() as session:
        return await session.scalar(
            select(Conversation.state).join(ChannelIdentity, ChannelIdentity.artisan_id == Conversation.artisan_id)
            .where(ChannelIdentity.channel == chat.channel, ChannelIdentity.external_id == chat.user)
        )
