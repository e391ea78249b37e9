"""Channels: adapters between a platform and the dispatcher (console, Telegram, WhatsApp)."""

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
