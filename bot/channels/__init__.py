"""Channels: adapters between a platform and the dispatcher (console, Telegram, WhatsApp). They translate:
no SQL here (delivery statuses, template fallback and what is read of a person belong to bot.outbox).

A new channel is a parser (platform update -> IncomingMessage), a renderer (Reply -> platform messages, with
toolkit.split_text and toolkit.numbered), an error map (platform error -> a bot.delivery DeliveryError) and a
small class with the Channel attributes below, built from toolkit (read_body and load_json for its webhook,
an Inbox for de-dup, dispatch and each person's replies in order, SentParts for long messages); then it is
added to build_channels."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from starlette.routing import BaseRoute

from bot.delivery import ChannelSender, Outgoing
from bot.ratelimit import RateLimiter

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.dispatch import Dispatcher

logger = logging.getLogger(__name__)

Deliver = Callable[[Sequence[Outgoing]], Awaitable[None]]


class Channel(Protocol):
    """A platform Kriya talks on: its web routes, its sender for the outbox, its rate limit."""

    name: str
    sender: ChannelSender
    limiter: RateLimiter

    @property
    def ready(self) -> bool:
        """Whether the channel can take messages (for /healthz)."""
        ...

    def routes(self) -> list[BaseRoute]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_channels(settings: Settings, dispatcher: Dispatcher, deliver: Deliver) -> list[Channel]:
    """The channels whose credentials are configured (none: console only)."""
    channels: list[Channel] = []
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel

        channels.append(TelegramChannel(settings, dispatcher, deliver))
    if settings.whatsapp_token and settings.whatsapp_phone_number_id:
        from bot.channels.whatsapp import WhatsAppChannel

        channels.append(WhatsAppChannel(settings, dispatcher, deliver))
    return channels
