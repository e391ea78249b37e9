"""Answers to two questions Kriya asks by itself: "do you come?" before a training, and a seat offered from the
waitlist; by button or in words, a no asked once more before anything is cancelled."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot import nlu, payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _, format_when
from bot.proactive_texts import CONFIRM_ROUTE, OFFER_ROUTE
from bot.regions import zone_of
from bot.router import Handler, Route
from bot.services import seat_offers
from bot.services.tickets import ticket_attachment
from handlers import attendance_words

logger = logging.getLogger(__name__)

DECLINE_ROUTE = "cfn"  # cfn:{registration}: cancel for real (after "Tidak bisa datang" was asked once more)
RELEASE_ROUTE = "ofn"  # ofn:{registration}: let the offered seat go for real
YES, NO, AGAIN = "y", "n", "a"  # the last argument of cf: and of: (AGAIN: show the offer again)
CONFIRM_SPEC = payloads.args(payloads.registration_code, payloads.one_of(YES, NO))
OFFER_SPEC = payloads.args(payloads.registration_code, payloads.one_of(YES, NO, AGAIN))
CODE_SPEC = payloads.args(payloads.registration_code)


class Training(Protocol):
    """What the replies say of a training (a stored training)."""

    code: str
    title: str
    starts_at: datetime
    province: str
    regency: str | None


def _when(training: Training) -> str:
    zone = zone_of(training.regency or training.province)
    return format_when(training.starts_at, zone.zone, zone.name)


def _mine() -> Button:
    return Button(_("Pelatihan saya"), "my")


def _gone() -> list[Reply]:
    return [Reply(_("Pertanyaan itu sudah tidak berlaku: pendaftarannya sudah berubah atau pelatihannya sudah "
                    "dimulai. Lihat status Anda di Pelatihan saya."), (_mine(), Button(_("Menu"), "menu")))]


# -- "do you come?" ----------------------------------------------------------------------------------------

async def answer_confirmation(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A yes records that the person comes; a no is asked once more (the seat would go to someone else)."""
    code, said = ctx.args[0], ctx.args[1]
    if said == YES:
        done = await ctx.services.confirmations.confirm(ctx.person.id, code)
        if not done.done or done.training is None:
            return _gone()
        return [Reply(_("Terima kasih! Kehadiran Anda di {title} tercatat. Sampai jumpa {when}. Kode pendaftaran "
                        "Anda: {registration}.").format(title=done.training.title, when=_when(done.training),
                                                        registration=code), (_mine(),))]
    registration, training = await ctx.services.confirmations.live(ctx.person.id, code)
    if registration is None or training is None:
        return _gone()
    sure = Button(_("Ya, batalkan"), payloads.make(DECLINE_ROUTE, code), answer="yes")
    keep = Button(_("Saya tetap datang"), payloads.make(CONFIRM_ROUTE, code, YES), answer="no")
    return [Reply(_("Yakin tidak bisa datang ke {title}? Pendaftaran Anda akan dibatalkan dan kursinya kami berikan "
                    "ke peserta di daftar tunggu.").format(title=training.title), (sure, keep))]


async def decline_confirmed(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Cancel the registration of a person who cannot come; the seat is offered to the waitlist at once."""
    code = ctx.args[0]
    done = await ctx.services.confirmations.decline(ctx.person.id, code)
    if not done.done or done.training is None:
        return _gone()
    return [Reply(_("Pendaftaran {registration} di {title} sudah dibatalkan. Terima kasih sudah mengabari; kursinya "
                    "kami tawarkan ke peserta berikutnya.").format(registration=code, title=done.training.title),
                  (Button(_("Pelatihan lain"), "tl"), _mine()))]


# -- a seat offered from the waitlist --------------------------------------------------------------------------

def seat_taken(training: Training, code: str) -> list[Reply]:
    """The reply to a taken seat (the registration is confirmed: its code is the ticket)."""
    return [Reply(_("Selamat, kursi di {title} sekarang milik Anda! Mulai {when}. Kode pendaftaran (tiket) Anda: "
                    "{registration}.").format(title=training.title, when=_when(training), registration=code),
                  (Button(_("Lihat pelatihan"), payloads.make("td", training.code)), _mine()),
                  attachment=ticket_attachment(code))]


async def answer_offer(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Take the offered seat, or be asked once more before letting it go, or see the offer again."""
    code, said = ctx.args[0], ctx.args[1]
    offers = ctx.services.seat_offers
    if said == YES:
        answered = await offers.accept(ctx.person.id, code)
        if answered.outcome == seat_offers.TAKEN and answered.training is not None:
            return seat_taken(answered.training, code)
        if answered.outcome == seat_offers.EXPIRED and answered.training is not None:
            return [Reply(_("Maaf, waktu tawaran kursi di {title} sudah habis dan kursinya sudah kami tawarkan ke "
                            "orang berikutnya. Anda tetap di daftar tunggu; kami kabari bila ada kursi lagi.").format(
                title=answered.training.title), (_mine(),))]
        if answered.registration is not None and answered.registration.status == "registered":
            return [Reply(_("Anda sudah terdaftar (kode {registration}).").format(registration=code), (_mine(),))]
        return _gone()
    offer = await offers.pending(ctx.person.id, code)
    if offer is None:
        return _gone()
    training, until = offer
    if said == AGAIN:
        zone = zone_of(training.regency or training.province)
        return [Reply(_("Kursi di {title} masih kami simpan untuk Anda sampai {until}. Mau ambil?").format(
            title=training.title, until=format_when(until, zone.zone, zone.name)), (
            Button(_("Ambil kursi"), payloads.make(OFFER_ROUTE, code, YES), answer="yes"),
            Button(_("Tidak, terima kasih"), payloads.make(OFFER_ROUTE, code, NO), answer="no")))]
    sure = Button(_("Ya, lepaskan"), payloads.make(RELEASE_ROUTE, code), answer="yes")
    back = Button(_("Tidak jadi"), payloads.make(OFFER_ROUTE, code, AGAIN), answer="no")
    return [Reply(_("Yakin melepas kursi di {title}? Anda akan keluar dari daftar tunggu dan kursinya kami tawarkan ke "
                    "orang berikutnya.").format(title=training.title), (sure, back))]


async def release_offer(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Let the offered seat go: off the waitlist, the seat goes to the next person."""
    answered = await ctx.services.seat_offers.decline(ctx.person.id, ctx.args[0])
    if answered.outcome != seat_offers.DECLINED or answered.training is None:
        return _gone()
    return [Reply(_("Baik, kursinya kami tawarkan ke orang berikutnya dan Anda keluar dari daftar tunggu {title}. "
                    "Terima kasih sudah mengabari.").format(title=answered.training.title),
                  (Button(_("Pelatihan lain"), "tl"), _mine()))]


# -- an answer typed in words ------------------------------------------------------------------------------------

def answered_in_words(by_intent: Callable[[str], Handler]) -> Callable[[IncomingMessage, HandlerContext],
                                                                        Route | None]:
    """A router context (the last one): a message that reads as a yes or no outside a form may answer the question
    Kriya asked last (a confirmation or a seat offer); its handler looks that up, and when nothing is waiting for an
    answer the message goes where it would have gone."""

    def matcher(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
        text = msg.text or ""
        if msg.payload or ctx.state.name is not None or not attendance_words.any_answer(text):
            return None
        if nlu.find_training_code(text):
            return None
        return Route(answer_in_words)

    async def answer_in_words(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        """Answer the newest question waiting for this person ("iya insyaallah dtg", "ambil kak")."""
        text = msg.text or ""
        asked = await ctx.services.seat_offers.newest_question(ctx.person.id)
        if asked is not None:
            route, code = asked
            said = (attendance_words.taking if route == OFFER_ROUTE else attendance_words.coming)(text)
            if said in ("yes", "no"):
                ctx.args = [code, YES if said == "yes" else NO]
                handler = answer_offer if route == OFFER_ROUTE else answer_confirmation
                return await handler(msg, ctx)
        intent = ctx.understanding.intent if ctx.understanding else "unknown"
        return await by_intent(intent)(msg, ctx)

    return matcher
