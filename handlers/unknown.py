"""A message the NLU could not place: a training named by its title is still found; else the fallback."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import IncomingMessage, Reply
from handlers.menu import show_fallback
from handlers.training_search import by_its_title


async def not_understood(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """"DAFTAR PEWARNAAN BATIK ZAT WARNA ALAM" names a training although the NLU reads no intent in it."""
    if msg.text and not msg.payload:
        named = await by_its_title(msg, ctx)
        if named is not None:
            return named
    return await show_fallback(msg, ctx)
