"""Finding the training a message names (title, typed code, list number); registering for it when asked."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.nlu import unread_words
from bot.nlu.codes import code_candidates
from handlers.registration_start import start_registration
from handlers.titles import MIN_MATCHED_SEARCH, may_name_a_title, named_by_title, title_words_asked
from handlers.training_detail import _not_found, _show, _show_view, show_training
from handlers.training_filters import (
    _REGISTER,
    ALL_WORDS,
    NOT_TITLE_FILTERS,
    _aspect,
    _has,
    _merge,
    code_payload,
    read_wanted,
    words_of,
)
from handlers.training_lists import _render_list
from handlers.training_memory import _page_offset, pick_from_list
from handlers.training_questions import answer_about
from handlers.training_text import OTHER_ASPECT

Handler = Callable[[IncomingMessage, HandlerContext], Awaitable[list[Reply]]]


async def _register(msg: IncomingMessage, ctx: HandlerContext, codes: list[str]) -> list[Reply]:
    ctx.args = codes
    return await start_registration(msg, ctx)


async def register_code(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Start registering for the training of a typed "daftar CODE" (not its detail)."""
    return await _register(msg, ctx, list(ctx.args))


async def by_its_title(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply] | None:
    """A training named by (nearly) its title: registering for it when the message says so, else its detail;
    None when no title is clearly meant."""
    text = msg.text or ""
    if not may_name_a_title(text, MIN_MATCHED_SEARCH):
        return None  # most searches: the whole catalogue is not read for this
    titled = named_by_title(text, await ctx.services.trainings.titles(), MIN_MATCHED_SEARCH)
    if titled is None:
        return None
    if _has(words_of(text), _REGISTER):
        return await _register(msg, ctx, [titled.code])
    view = await ctx.services.trainings.by_code(titled.code)
    return _show_view(ctx, view) if view is not None else None


async def search_trainings(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """List the trainings a free-text question asks for (craft, region, dates, online, free, nearest)."""
    named = await by_its_title(msg, ctx)
    if named is not None:  # "mau daftar pelatihan pewarnaan batik zat warna alam": that one
        return named
    wanted = read_wanted(msg.text or "", ctx)
    if ("n" in wanted and not wanted["n"]) or ("c" in wanted and not wanted["c"]):
        wanted = _merge({}, wanted, ctx)
    if "c" not in wanted and not (ctx.understanding and ctx.understanding.topic):
        typed = unread_words(msg.text or "", ctx.today)
        asked = title_words_asked(typed, await ctx.services.trainings.titles(), NOT_TITLE_FILTERS)
        if asked:  # "pelatihan pewarna alam": the trainings whose titles have those words
            wanted["w"] = ALL_WORDS.join(asked)
    return await _render_list(ctx, wanted)


def _only_the_code(text: str, code: str) -> bool:
    rest = words_of(text.replace(code, " ").replace(code.lower(), " "))
    rest = " ".join(w for w in rest.split() if w.upper() != code)
    return len(rest.split()) <= 2


def typed_code(by_intent: Callable[[str], Handler]) -> Handler:
    """The handler of a typed code: the training when the catalogue has one of the message's candidate codes;
    otherwise what the message meant (a code-like word such as 'E-SMART' is no code), or "not found" when the
    message was only the code."""

    async def show_typed_code(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        """Show the training of a code typed in a message (looked up among its candidate codes)."""
        text = msg.text or ""
        if msg.payload or not text:
            return await show_training(msg, ctx)
        candidates = code_candidates(text) or [a for a in ctx.args if a]
        found = await ctx.services.trainings.by_codes(candidates)
        if found:
            if _has(words_of(text), _REGISTER):
                return await _register(msg, ctx, [found[0].code])
            return _show_view(ctx, found[0])
        intent = ctx.understanding.intent if ctx.understanding else "unknown"
        if not candidates or _only_the_code(text, candidates[0]) or intent in ("training_code", "training_detail"):
            return _not_found(candidates[0] if candidates else text[:32])
        return await by_intent(intent)(msg, ctx)

    return show_typed_code


async def show_training_detail(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the training the person named by its number in the last list, or the one in view ("yang itu")."""
    code = pick_from_list(ctx)
    if code:
        return await _show(ctx, code)
    memory = ctx.state.memory
    shown = [str(c) for c in memory.get("list") or []]
    words = words_of(msg.text or "")
    if _has(words, {"itu", "ini", "tsb", "tersebut", "that", "this"}):
        if memory.get("focus") == "list" and len(shown) == 1:
            return await _show(ctx, shown[0])
        if memory.get("focus") == "training" and memory.get("training"):
            return await _show(ctx, str(memory["training"]))
    wanted = read_wanted(msg.text or "", ctx)
    if wanted:  # "KALO YG DI JABAR ADA GAK, KULIT ATAU APA AJA DEH": a search; under a list it refines that list
        if memory.get("focus") == "list" and memory.get("shown"):
            return await _render_list(ctx, _merge((memory.get("shown") or {}).get("w") or {}, wanted, ctx))
        return await search_trainings(msg, ctx)
    if memory.get("focus") == "training" and memory.get("training"):
        # "sy dr makale, ada penginapan gk disediakan?" under a detail: a question about it, not a pick
        ctx.args = [_aspect(words) or OTHER_ASPECT, str(memory["training"])]
        return await answer_about(msg, ctx)
    if shown:
        offset = _page_offset(ctx)
        text = _("Nomor berapa? Pilih nomor {first} sampai {last} dari daftar terakhir.").format(
            first=offset + 1, last=offset + len(shown))
        buttons = tuple(Button(c, code_payload("td", c)) for c in shown)  # typed "2" is still the 2nd
        return [Reply(text, buttons)]
    return await search_trainings(msg, ctx)
