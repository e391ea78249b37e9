"""What the training handlers remember of the conversation (`ctx.state.memory`, saved with it):
- "shown": the last list: its filters ("w", as in list payloads), its first number's offset ("o"), its total ("n");
- "list": the codes on that page (other handlers write it too: "pelatihan saya"), "training": the last detail;
- "focus": what was shown last ("list", "training", a certification "guide", the person's "profile"), "mine": the
  payloads of that reply's buttons, to tell whether the person's last screen was it when they type "lagi", "7"
  or "yang itu".
"""

from __future__ import annotations

from bot.context import HandlerContext
from bot.core import Button

# --- memory -------------------------------------------------------------------------------------

PROFILE = "profile"
GUIDE = "guide"


def remember(ctx: HandlerContext, focus: str, buttons: list[Button] | tuple[Button, ...]) -> None:
    """What is in view now, and the buttons of the reply showing it."""
    ctx.state.memory["focus"] = focus
    ctx.state.memory["mine"] = [b.payload for b in buttons if b.kind == "payload"]


_remember = remember


def in_view(ctx: HandlerContext) -> str | None:
    """The focus of the reply the person is answering, when that reply was the last one that set it."""
    return str(ctx.state.memory.get("focus")) if _last_was_ours(ctx) else None


def _last_was_ours(ctx: HandlerContext) -> bool:
    """Whether the reply the person is answering is the last list, detail or answer this module showed."""
    options = ctx.state.memory.get("options") or []
    mine = ctx.state.memory.get("mine")
    return mine is not None and [o[1] for o in options if len(o) > 1 and o[1]] == mine


def _page_offset(ctx: HandlerContext) -> int:
    """The number before the first item of memory["list"] (0 unless it is a later page of our list)."""
    shown = ctx.state.memory.get("shown") or {}
    if shown.get("k") == ctx.state.memory.get("list"):
        return int(shown.get("o") or 0)
    return 0


def number_in_list(ctx: HandlerContext, number: int | None) -> str | None:
    """The code of the item numbered `number` in the last list (page 2 is numbered 6-10), or of the n-th item on
    the page when the number is not one of the page's ("yang kedua")."""
    shown = [str(c) for c in ctx.state.memory.get("list") or []]
    if not number or not shown:
        return None
    offset = _page_offset(ctx)
    if offset < number <= offset + len(shown):
        return shown[number - offset - 1]
    if 1 <= number <= len(shown):
        return shown[number - 1]
    return None


def pick_from_list(ctx: HandlerContext) -> str | None:
    """The code of the list item the person named ('no 2'), or None."""
    return number_in_list(ctx, ctx.understanding.number if ctx.understanding else None)
