"""Answers to a follow-up (1, 3 or 6 months after a training): sales, certifications, selling online; in words or
by buttons; "gak usah tanya2 lagi" stops them."""

from __future__ import annotations

import logging

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.followup_texts import (
    CERTIFICATIONS,
    CERTS,
    DONE,
    NONE,
    ONLINE,
    SALES,
    SALES_VALUES,
    STEPS,
    STOP_STEP,
    YES,
    certifications_in,
    online_in,
    question,
    sales_in,
    wants_no_more,
)
from bot.i18n import _
from bot.router import Form
from bot.services.followups import STATE, Asked
from handlers.form_reading import other_question

logger = logging.getLogger(__name__)


def _step(ctx: HandlerContext) -> str:
    step = (ctx.state.name or "").split(":")[-1]
    return step if step in STEPS else SALES


def _in_followup(ctx: HandlerContext) -> bool:
    return (ctx.state.name or "").startswith(f"{STATE}:")


def _typed(step: str, text: str) -> object:
    """The answer to `step` as typed (None: not read)."""
    if step == SALES:
        return sales_in(text)
    if step == CERTS:
        return certifications_in(text)
    return online_in(text)


def _next(ctx: HandlerContext, followup: Asked, step: str) -> list[Reply]:
    """The next question (the state follows it unless another form is being filled), or thanks after the last."""
    later = STEPS[STEPS.index(step) + 1:]
    free = ctx.state.name is None or _in_followup(ctx)
    if not later:
        if free:
            ctx.state.clear()
        return [Reply(_("Terima kasih atas jawaban Anda! Semoga usaha Anda makin lancar."),
                      (Button(_("Pelatihan lain"), "tl"), Button(_("Menu"), "menu")))]
    if free:
        ctx.state.enter(f"{STATE}:{later[0]}", followup=followup.id)
    return [question(later[0], followup.id)]


async def _stop(ctx: HandlerContext, how: str) -> list[Reply]:
    await ctx.services.followups.stop(ctx.person.id, how)
    if _in_followup(ctx):
        ctx.state.clear()
    return [Reply(_("Baik, kami tidak akan bertanya tentang usaha Anda lagi. Pengingat dan kabar pelatihan tetap "
                    "datang; ketik STOP untuk menghentikan semuanya."), (Button(_("Menu"), "menu"),))]


def _gone(ctx: HandlerContext) -> list[Reply]:
    if _in_followup(ctx):
        ctx.state.clear()
    return [Reply(_("Pertanyaan itu sudah tidak berlaku. Terima kasih!"), (Button(_("Menu"), "menu"),))]


def _take(ctx: HandlerContext, followup: Asked, step: str, value: object) -> list[Reply]:
    if step == SALES:
        ctx.services.followups.record(followup, sales=value)
    elif step == CERTS:
        ctx.services.followups.record(followup, certifications=list(value) if isinstance(value, list) else [])
    else:
        ctx.services.followups.record(followup, online=bool(value))
    return _next(ctx, followup, step)


async def tap_followup(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A button of a follow-up question (fu:<id>:<step>[:<value>])."""
    followup = await ctx.services.followups.own(int(ctx.args[0]), ctx.person.id)
    if followup is None:
        return _gone(ctx)
    step = ctx.args[1]
    if step == STOP_STEP:
        return await _stop(ctx, "button")
    value = ctx.args[2]
    if step == SALES:
        return _take(ctx, followup, step, value if value in SALES_VALUES else None)
    if step == ONLINE:
        return _take(ctx, followup, step, value == YES)
    chosen = list(followup.certifications or [])
    if value == NONE:
        return _take(ctx, followup, step, [])
    if value == DONE:
        return _take(ctx, followup, step, chosen)
    if value in CERTIFICATIONS and value not in chosen:
        chosen.append(value)
    ctx.services.followups.record(followup, certifications=[c for c in CERTIFICATIONS if c in chosen])
    if ctx.state.name is None or _in_followup(ctx):
        ctx.state.enter(f"{STATE}:{CERTS}", followup=followup.id)
    return [question(CERTS, followup.id, tuple(followup.certifications or ()))]


async def answer_followup(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A typed answer to the follow-up question being asked ("naik dikit kak", "nib sama merek", "udah di shopee")."""
    text = msg.text or ""
    followup = await ctx.services.followups.own(int(ctx.state.data.get("followup") or 0), ctx.person.id)
    if followup is None:
        return _gone(ctx)
    if wants_no_more(text):
        return await _stop(ctx, f"words {text.strip()[:40]}")
    step = _step(ctx)
    value = _typed(step, text)
    if value is None:
        again = question(step, followup.id, tuple(followup.certifications or ()) if step == CERTS else ())
        return [Reply(_("Maaf, belum kami pahami. {question}").format(question=again.text), again.buttons)]
    return _take(ctx, followup, step, value)


def looks_like_answer(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    """An answer to the question asked (or "jangan tanya lagi"); a clear other question goes its own way."""
    text = msg.text or ""
    return wants_no_more(text) or _typed(_step(ctx), text) is not None or not other_question(ctx)


def prompt(ctx: HandlerContext) -> Reply:
    """The follow-up's question again, after an interruption."""
    again = question(_step(ctx), int(ctx.state.data.get("followup") or 0))
    return Reply(_("Boleh lanjut pertanyaan kami tadi? {question}").format(question=again.text), again.buttons)


FORM = Form(handle=answer_followup, looks_like_answer=looks_like_answer, prompt=prompt)
