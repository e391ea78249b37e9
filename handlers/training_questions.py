"""Questions about the training in view (fee, place, time, seats...), answered from its own data."""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from handlers.training_choice import which_training
from handlers.training_filters import ASPECT_JOIN, code_payload
from handlers.training_lists import _list_payload
from handlers.training_memory import _page_offset, _remember
from handlers.training_text import _aspect_line


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
        return [Reply("\n".join(_aspect_line(a, training, ctx) for a in aspect.split(ASPECT_JOIN)), tuple(buttons))]
    offset = _page_offset(ctx)
    lines = [f"{offset + i}. " + " ".join(_aspect_line(a, t, ctx) for a in aspect.split(ASPECT_JOIN))
             for i, t in enumerate(found, 1)]
    lines += ["", _("Ketik nomornya untuk melihat detail.")]
    # On a later page the numbers (6-10) are past the options: `follow_up` reads them from the list memory.
    buttons = [Button(t.title, code_payload("td", t.code)) for t in found]
    _remember(ctx, "list", buttons)
    return [Reply("\n".join(lines), tuple(buttons))]
