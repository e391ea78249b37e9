"""Answers to the questions Kriya asks after a training: a rating (button or words), the free answer after it
(which may be skipped), and why someone did not come (button or words)."""

from __future__ import annotations

import logging

from bot.aftercare_texts import ABSENCE, FEEDBACK, RATINGS, REASONS, skip_button
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.router import Form, Route
from bot.services.aftercare import ASKED, asked_of
from handlers.aftercare_words import rating_in, reason_in, skips

logger = logging.getLogger(__name__)

STATE = "aftercare:comment"  # the free answer; data: {"registration": code}
WORDS_AS_COMMENT = 4  # a rating in words this long ("bagus bgt, materinya jelas") is its own free answer too


def _done(ctx: HandlerContext) -> None:
    ctx.state.memory.pop(ASKED, None)


def _not_asked() -> list[Reply]:
    return [Reply(_("Maaf, pertanyaan itu sudah tidak berlaku."), (Button(_("Menu"), "menu"),))]


def prompt(ctx: HandlerContext) -> Reply:
    """The free answer's question (asked again after an interruption)."""
    code = str(ctx.state.data.get("registration", ""))
    if ctx.state.data.get("after") == ABSENCE:
        text = _("Boleh ceritakan singkat alasannya? Tulis saja, atau pilih Lewati.")
    else:
        text = _("Ada saran atau cerita singkat untuk penyelenggara? Tulis saja, atau pilih Lewati.")
    return Reply(text, (skip_button(code),))


async def rate(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Record a rating of a training the person attended (button `fb:CODE:N`, or words read in context)."""
    code, rating = ctx.args[0], int(ctx.args[1])
    answer = await ctx.services.aftercare.rate(ctx.person.id, code, rating)
    if answer is None:
        return _not_asked()
    _done(ctx)
    text = (msg.text or "").strip()
    if not msg.payload and len(text.split()) >= WORDS_AS_COMMENT:
        await ctx.services.aftercare.comment(ctx.person.id, code, text)
        return [Reply(_("Terima kasih atas nilai dan ceritanya! Kami teruskan ke penyelenggara."),
                      (Button(_("Pelatihan lain"), "tl"),))]
    ctx.state.enter(STATE, registration=code, after=FEEDBACK)
    return [Reply(_("Terima kasih atas nilainya ({rating} dari 5)!").format(rating=rating)), prompt(ctx)]


async def explain(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Record why the person did not come (button `ab:CODE:REASON`, or words read in context)."""
    code, reason = ctx.args[0], ctx.args[1]
    answer = await ctx.services.aftercare.explain(ctx.person.id, code, reason)
    if answer is None:
        return _not_asked()
    _done(ctx)
    if reason == "lainnya":
        ctx.state.enter(STATE, registration=code, after=ABSENCE)
        return [Reply(_("Terima kasih sudah memberi tahu.")), prompt(ctx)]
    return [Reply(_("Terima kasih sudah memberi tahu, sudah kami catat. Semoga bisa ikut lain kali!"),
                  (Button(_("Pelatihan lain"), "tl"),))]


async def skip_comment(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """No free answer (button "Lewati")."""
    if ctx.state.name == STATE:
        ctx.state.clear()
    return [Reply(_("Baik, terima kasih!"), (Button(_("Pelatihan lain"), "tl"), Button(_("Menu"), "menu")))]


async def take_comment(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """The free answer, in the person's own words ("ga ada" skips it)."""
    text = (msg.text or "").strip()
    if msg.media and not text:
        return [Reply(_("Maaf, kami hanya bisa membaca tulisan. Tulis saja, atau pilih Lewati.")), prompt(ctx)]
    code = str(ctx.state.data.get("registration", ""))
    if skips(text):
        return await skip_comment(msg, ctx)
    ctx.state.clear()
    await ctx.services.aftercare.comment(ctx.person.id, code, text)
    return [Reply(_("Terima kasih! Masukan Anda kami teruskan ke penyelenggara."),
                  (Button(_("Pelatihan lain"), "tl"), Button(_("Menu"), "menu")))]


def _any_text(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    return bool((msg.text or "").strip()) or bool(msg.media)


FORM = Form(handle=take_comment, looks_like_answer=_any_text, prompt=prompt)


SOFT_INTENTS = frozenset({"unknown", "thanks", "greeting"})  # what an answer in words is often read as
ANOTHER_QUESTION_WORDS = 6  # a message this long that the NLU reads surely as another request is not an answer
SURE = 0.95


def another_question(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    """"bagus, ada pelatihan batik lagi di jogja?" under the question asks for something else."""
    understood = ctx.understanding
    if understood is None or understood.intent in SOFT_INTENTS:
        return False
    text = (msg.text or "").strip()
    return text.endswith("?") or (len(text.split()) >= ANOTHER_QUESTION_WORDS and understood.confidence >= SURE)


def answered_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """Right after the question (within its window): a rating or a reason in words is its answer."""
    asked = asked_of(ctx.state.memory, ctx.now)
    if asked is None or not msg.text or another_question(msg, ctx):
        return None
    if asked.kind == FEEDBACK:
        rating = rating_in(msg.text)
        return Route(rate, [asked.registration, str(rating)]) if rating in RATINGS else None
    reason = reason_in(msg.text)
    return Route(explain, [asked.registration, reason]) if reason in REASONS else None
