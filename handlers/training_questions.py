"""Questions about the training in view (fee, place, time, seats...), answered from its own data."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.services.trainings import TrainingView
from handlers.training_choice import which_training
from handlers.training_filters import ASPECT_JOIN, code_payload
from handlers.training_lists import _list_payload
from handlers.training_memory import _page_offset, _remember
from handlers.training_text import _aspect_line, waitlist_promise


async def _own_place(training: TrainingView, ctx: HandlerContext) -> str | None:
    """The person's own place on the training's waitlist (and what happens then), or their seat, when they are
    registered for it."""
    own = [r for r in await ctx.services.registrations.upcoming_for(ctx.person.id) if r.training_code == training.code]
    if not own:
        return None
    if own[0].status == "waitlisted":
        return _("Anda di daftar tunggu nomor {n} untuk {title} (kode {code}).").format(
            n=own[0].waitlist_position, title=training.title, code=own[0].code) + " " + waitlist_promise()
    return _("Anda sudah terdaftar di {title} (kode {code}), jadi tidak perlu daftar tunggu.").format(
        title=training.title, code=own[0].code)


async def answer_about(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Answer a question about the training in view (fee, place, time, deadline, certificate, contact, seats)
    from its own data; about each training of the list in view when a list was shown."""
    aspect, codes = (ctx.args[0], ctx.args[1:]) if ctx.args else ("fee", [])
    found = await ctx.services.trainings.by_codes(codes)
    if not found:
        return which_training(msg, ctx, [])
    in_form = bool(ctx.state.name)
    if len(found) == 1:
        training = found[0]
        buttons: list[Button] = []
        if not in_form:
            if training.registration_open(ctx.now):
                buttons.append(Button(_("Daftar"), code_payload("rg", training.code)))
            buttons += [Button(_("Detail lengkap"), code_payload("td", training.code)),
                        Button(_("Pelatihan lain"), _list_payload({"c": training.craft}))]
            ctx.state.memory["training"] = training.code
            _remember(ctx, "training", buttons)  # the focus: follow-ups are about it until a new list is shown
        asked = aspect.split(ASPECT_JOIN)
        own = await _own_place(training, ctx) if "waitlist" in asked else None
        lines = [own if a == "waitlist" and own else _aspect_line(a, training, ctx) for a in asked]
        return [Reply("\n".join(lines), tuple(buttons))]
    offset = _page_offset(ctx)
    lines = [f"{offset + i}. " + " ".join(_aspect_line(a, t, ctx) for a in aspect.split(ASPECT_JOIN))
             for i, t in enumerate(found, 1)]
    lines += ["", _("Ketik nomornya untuk melihat detail.")]
    # On a later page the numbers (6-10) are past the options: `follow_up` reads them from the list memory.
    buttons = [Button(t.title, code_payload("td", t.code)) for t in found]
    _remember(ctx, "list", buttons)
    return [Reply("\n".join(lines), tuple(buttons))]
