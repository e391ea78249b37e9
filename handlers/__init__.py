"""All handlers, registered in order on one Router (the fallback last)."""

from __future__ import annotations

import logging

from bot.router import Router
from handlers import guides, language, menu, trainings

logger = logging.getLogger(__name__)


def build_router() -> Router:
    """The router with every handler of Kriya."""
    router = Router()
    # start, menu, help
    router.command("start mulai", menu.show_start)
    router.command("menu", menu.show_menu)
    router.command("help bantuan", menu.show_help)
    router.keyword("menu", menu.show_menu)
    router.payload("menu", menu.show_menu)
    router.payload("help", menu.show_help)
    router.intent("greeting", menu.show_start)
    router.intent("help", menu.show_help)
    router.intent("thanks", menu.show_thanks)
    router.intent("human", menu.show_human)
    router.intent("media", menu.show_media)
    # trainings
    router.command("pelatihan trainings", trainings.list_trainings)
    router.payload("tl", trainings.list_trainings)
    router.payload("tf", trainings.choose_filter)
    router.payload("td", trainings.show_training)
    router.intent("training_search", trainings.search_trainings)
    router.intent("training_detail", trainings.show_training_detail)
    router.intent("training_code", trainings.show_training)
    # certification and market tips
    router.command("sertifikasi certification", guides.show_guide)
    router.payload("cert", guides.show_guide)
    router.intent("certification", guides.show_guide)
    router.command("tips", guides.show_tip)
    router.payload("tip", guides.show_tip)
    router.intent("market_tips", guides.show_tip)
    # language
    router.command("bahasa language", language.change_language)
    router.payload("lang", language.change_language)
    router.intent("language", language.change_language)
    # last
    router.fallback = menu.show_fallback
    return router
