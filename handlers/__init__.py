"""All handlers, registered in order on one Router (the fallback last)."""

from __future__ import annotations

import logging

from bot.router import Router
from handlers import guides, language, menu, profile, registration, subscriptions, trainings

logger = logging.getLogger(__name__)


def build_router() -> Router:
    """The router with every handler of Kriya."""
    router = Router()
    # start, menu, help
    router.command("start", menu.show_start)
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
    router.intent("location", trainings.show_nearest)
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
    # registration
    router.form(registration.STATE, registration.FORM)
    router.command("daftar register", registration.start_registration)
    router.payload("rg", registration.start_registration)
    router.payload("rf", registration.form_payload)
    router.intent("register", registration.start_registration)
    router.command("saya pelatihansaya mine", registration.show_my_registrations)
    router.payload("my", registration.show_my_registrations)
    router.intent("my_registrations", registration.show_my_registrations)
    router.payload("rc", registration.cancel_registration)
    router.payload("rcy", registration.confirm_cancel)
    router.intent("cancel_registration", registration.cancel_registration)
    # profile and privacy
    router.command("profil profile", profile.show_profile)
    router.payload("prof", profile.show_profile)
    router.intent("profile", profile.show_profile)
    router.payload("pe", profile.edit_profile)
    router.command("hapusdata deletedata", profile.ask_delete)
    router.payload("del", profile.ask_delete)
    router.intent("delete_data", profile.ask_delete)
    router.payload("dely", profile.delete_data)
    # subscriptions; STOP and MULAI work from any state
    router.keyword("stop berhenti unsubscribe", subscriptions.stop_messages)
    router.keyword("mulai resume", subscriptions.start_messages)
    router.command("berhenti stop", subscriptions.stop_messages)
    router.command("langganan subscriptions", subscriptions.list_subscriptions)
    router.payload("subs", subscriptions.list_subscriptions)
    router.payload("sub", subscriptions.subscribe)
    router.intent("subscribe", subscriptions.subscribe)
    router.payload("unsub", subscriptions.unsubscribe)
    router.intent("unsubscribe", subscriptions.unsubscribe)
    # last
    router.fallback = menu.show_fallback
    return router
