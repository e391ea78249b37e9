"""Changing the language of the conversation (Indonesian or English)."""

from __future__ import annotations

import logging

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import LANGUAGES, _, use_language
from handlers.menu import menu_reply

logger = logging.getLogger(__name__)

_WORDS = {"en": ("english", "inggris", "eng"), "id": ("indonesia", "indonesian", "bahasa indonesia", "indo")}


def _wanted(msg: IncomingMessage, ctx: HandlerContext) -> str | None:
    if ctx.args and ctx.args[0] in LANGUAGES:
        return ctx.args[0]
    text = (msg.text or "").casefold()
    for language in ("en", "id"):  # "bahasa inggris" names English before the word "bahasa" matters
        if any(word in text for word in _WORDS[language]):
            return language
    return None


async def change_language(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Switch to the language asked for, or ask which one."""
    language = _wanted(msg, ctx)
    if language is None:
        return [
            Reply(
                _("Pilih bahasa / Choose a language:"),
                (Button("Bahasa Indonesia", payloads.make("lang", "id")), Button("English", payloads.make("lang", "en"))),
            )
        ]
    ctx.person.language = language
    ctx.person.language_chosen = True
    with use_language(language):
        return [menu_reply(_("Baik, saya akan memakai bahasa Indonesia."))]
