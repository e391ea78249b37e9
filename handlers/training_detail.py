"""One training's detail, by its button, code or deep link."""

from __future__ import annotations

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.nlu.codes import is_valid_code
from bot.services.trainings import TrainingView
from handlers.training_filters import code_payload
from handlers.training_lists import _list_payload
from handlers.training_memory import _remember
from handlers.training_text import detail_text

# --- one training -------------------------------------------------------------------------------

def _not_found(code: str) -> list[Reply]:
    return [
        Reply(
            _("Maaf, pelatihan dengan kode {code} tidak ditemukan. Periksa lagi kodenya, ya.").format(code=code),
            (Button(_("Lihat pelatihan"), payloads.make("tl")),),
        )
    ]


def _show_view(ctx: HandlerContext, training: TrainingView) -> list[Reply]:
    buttons = []
    if training.registration_open(ctx.now):
        buttons.append(Button(_("Daftar"), code_payload("rg", training.code)))
    buttons += [
        Button(_("Pelatihan lain"), _list_payload({"c": training.craft})),
        Button(_("Menu"), payloads.make("menu")),
    ]
    ctx.state.memory["training"] = training.code
    _remember(ctx, "training", buttons)
    return [Reply(detail_text(training, ctx), tuple(buttons))]


async def _show(ctx: HandlerContext, code: str) -> list[Reply]:
    training = await ctx.services.trainings.by_code(code) if is_valid_code(code) else None
    if training is None:
        return _not_found(code)
    return _show_view(ctx, training)


async def show_training(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show one training's detail: from its button, its typed code or a deep link."""
    return await _show(ctx, ctx.args[0] if ctx.args else "")
