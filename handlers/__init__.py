"""All handlers, registered in order on one Router (the fallback last)."""

from __future__ import annotations

import logging

from bot import aftercare_texts as texts
from bot import followup_texts
from bot import payloads as p
from bot.i18n import LANGUAGES
from bot.nlu.codes import is_valid_code
from bot.proactive_texts import CONFIRM_ROUTE, OFFER_ROUTE
from bot.router import Router
from handlers import (
    aftercare,
    attendance,
    followups,
    guide_questions,
    guides,
    language,
    list_picks,
    menu,
    message_wishes,
    my_registrations,
    profile,
    registration,
    registration_start,
    registration_steps,
    subscriptions,
    tickets,
    training_detail,
    training_filters,
    training_lists,
    training_search,
    trainings,
    unknown,
)

logger = logging.getLogger(__name__)


def _add_menu(router: Router) -> None:
    """Start, menu, help."""
    router.command("start", menu.show_start)
    router.command("menu", menu.show_menu)
    router.command("help bantuan", menu.show_help)
    router.keyword("menu", menu.show_menu)
    router.payload("menu", menu.show_menu, p.NO_ARGS)
    router.payload("help", menu.show_help, p.NO_ARGS)
    router.intent("greeting", menu.show_start)
    router.intent("help", menu.show_help)
    router.intent("thanks", menu.show_thanks)
    router.intent("human", menu.show_human)
    router.payload("human", menu.show_human, p.NO_ARGS)
    router.intent("media", menu.show_media)


def _add_aftercare(router: Router) -> None:
    """Answers to the questions after a training (asked by the scheduler): ratings and reasons, in words too."""
    router.payload(texts.RATE, aftercare.rate, p.args(p.registration_code, p.one_of(*map(str, texts.RATINGS))))
    router.payload(texts.WHY, aftercare.explain, p.args(p.registration_code, p.one_of(*texts.REASONS)))
    router.payload(texts.SKIP, aftercare.skip_comment, p.args(p.registration_code))
    router.form(aftercare.STATE.split(":")[0], aftercare.FORM)
    router.context(aftercare.answered_in_words)  # "bagus bgt", "lg sakit" right after the question (first)


def _add_trainings(router: Router) -> None:
    """Trainings: lists, details, codes, and the follow-ups to what was just shown."""
    router.command("pelatihan trainings", training_lists.list_trainings)
    router.payload("tl", training_lists.list_trainings, p.args(training_filters.list_filters, optional=1))
    router.payload("tf", training_lists.choose_filter,
                   p.args(p.one_of("c", "p", "m"), training_filters.list_filters))
    router.payload("td", training_detail.show_training, p.args(is_valid_code))
    router.intent("training_search", training_search.search_trainings)
    router.intent("training_detail", training_search.show_training_detail)
    by_intent = lambda intent: router.by_intent(intent).handler  # noqa: E731
    router.intent("training_code", training_search.typed_code(by_intent))
    router.intent("location", training_lists.show_nearest)
    router.context(tickets.asked_in_words)  # "tiket saya", "mana tiketnya kak" (before the training in view's questions)
    router.context(my_registrations.pick_in_words)  # "yg tgl 3 des" under one's registrations (before lists')
    router.context(guide_questions.asked)  # "kalo ga punya npwp gmn", "what is KBLI?": from the guides' content
    router.context(guide_questions.asked_for_a_body)  # "LSP utk tenun ada gk? sy di jepara": bodies, trainings
    router.context(message_wishes.how_it_stands)  # "kalo sy stop, langganan sy masih ada gk?" (before removals)
    router.context(subscriptions.narrow_in_words)  # "khusus yg di jogja aja" right after subscribing
    router.context(subscriptions.remove_all_in_words)  # "actually remove all of them" under one's subscriptions
    router.context(list_picks.pick_in_words)  # "yg paling murah", "sing rp150rb niku", "yg e-smart itu" under a list
    router.context(trainings.follow_up)  # codes with "daftar", questions about the training in view, paging
    router.context(guides.follow_up)  # "lanjut" and questions under a certification guide keep its step


def _add_guides(router: Router) -> None:
    """Certification guides and market tips; the language."""
    router.command("sertifikasi certification", guides.show_guide)
    router.payload("cert", guides.show_guide, p.args(p.slug, p.number, optional=2))
    router.intent("certification", guides.show_guide)
    router.command("tips", guides.show_tip)
    router.payload("tip", guides.show_tip, p.args(p.slug, p.number, optional=2))
    router.intent("market_tips", guides.show_tip)
    # language
    router.command("bahasa language", language.change_language)
    router.payload("lang", language.change_language, p.args(p.one_of(*LANGUAGES), optional=1))
    router.intent("language", language.change_language)


def _add_registration(router: Router) -> None:
    """The registration form, my registrations and cancelling."""
    router.form(registration_steps.STATE, registration.FORM)
    router.command("daftar register", registration_start.start_registration)
    router.payload("rg", registration_start.start_registration, p.args(p.training_code))
    router.payload("rgy", registration_start.register_after_all, p.args(p.training_code))
    router.payload("rf", registration.form_payload, registration_steps.FORM_BUTTONS)
    router.intent("register", registration_start.start_registration)
    router.command("saya pelatihansaya mine", my_registrations.show_my_registrations)
    router.command("tiket ticket", tickets.show_tickets)
    router.payload("my", my_registrations.show_my_registrations, p.NO_ARGS)
    router.intent("my_registrations", my_registrations.show_my_registrations)
    router.payload("rc", my_registrations.cancel_registration, p.args(p.registration_code))
    router.payload("rcy", my_registrations.confirm_cancel, p.args(p.registration_code))
    router.payload("rck", my_registrations.keep_registration, p.args(p.registration_code))
    router.intent("cancel_registration", my_registrations.cancel_registration)


def _add_profile(router: Router) -> None:
    """Profile and privacy."""
    router.command("profil profile", profile.show_profile)
    router.payload("prof", profile.show_profile, p.NO_ARGS)
    router.intent("profile", profile.show_profile)
    router.payload("pe", profile.edit_profile, p.args(p.one_of(*profile.EDITABLE)))
    router.command("hapusdata deletedata", profile.ask_delete)
    router.payload("del", profile.ask_delete, p.NO_ARGS)
    router.intent("delete_data", profile.ask_delete)
    router.payload("dely", profile.delete_data, p.NO_ARGS)
    router.context(profile.question_at_delete)  # "kalau dihapus pendaftaran saya gimana?"
    router.context(profile.edit_in_words)  # "ganti nama usaha jadi ...", "ubah wilayah ke denpasar"


def _add_subscriptions(router: Router) -> None:
    """Subscriptions; STOP and MULAI work from any state."""
    router.keyword("stop berhenti unsubscribe", subscriptions.stop_messages, absolute=True)
    router.keyword("mulai resume", guides.start_step_or_messages)  # under a guide, "mulai" goes on with it
    router.context(guides.resume_in_words)  # "mulai lagi dong kak"
    router.command("berhenti stop", subscriptions.stop_messages)
    router.command("langganan subscriptions", subscriptions.list_subscriptions)
    router.payload("subs", subscriptions.list_subscriptions, p.NO_ARGS)
    router.payload("sub", subscriptions.subscribe, subscriptions.SUBSCRIBE_BUTTONS)
    router.context(message_wishes.direction_read)  # "jgn kirimin sy pesan lg" is no subscribe, whatever the NLU read
    router.intent("subscribe", subscriptions.subscribe)
    router.payload("unsub", subscriptions.unsubscribe, p.args(p.number))
    router.intent("unsubscribe", subscriptions.unsubscribe)
    router.payload("unsuball", subscriptions.unsubscribe_all, p.NO_ARGS)
    router.payload("stop", subscriptions.stop_messages, p.NO_ARGS)


def _add_attendance(router: Router) -> None:
    """Answers to the questions Kriya asks by itself: "do you come?" and a seat offered from the waitlist."""
    router.payload(CONFIRM_ROUTE, attendance.answer_confirmation, attendance.CONFIRM_SPEC)
    router.payload(attendance.DECLINE_ROUTE, attendance.decline_confirmed, attendance.CODE_SPEC)
    router.payload(OFFER_ROUTE, attendance.answer_offer, attendance.OFFER_SPEC)
    router.payload(attendance.RELEASE_ROUTE, attendance.release_offer, attendance.CODE_SPEC)
    by_intent = lambda intent: router.by_intent(intent).handler  # noqa: E731
    router.context(attendance.answered_in_words(by_intent))  # last of the contexts: "iya insyaallah dtg", "ambil kak"


def build_router() -> Router:
    """The router with every handler of Kriya; each payload route says what its button arguments may be."""
    router = Router()
    _add_menu(router)
    _add_aftercare(router)
    _add_trainings(router)
    _add_guides(router)
    _add_registration(router)
    _add_profile(router)
    _add_subscriptions(router)
    _add_attendance(router)
    router.form(followups.STATE, followups.FORM)  # answers to a follow-up months after a training
    router.payload(followup_texts.ROUTE, followups.tap_followup, followup_texts.BUTTONS)
    router.intent("unknown", unknown.not_understood)  # last: a training's title the NLU did not read
    router.fallback = menu.show_fallback
    return router
