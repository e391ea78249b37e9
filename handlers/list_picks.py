"""One training of the list in view named by what sets it apart, not by its number: "yg paling murah",
"sing rp150rb niku", "yg e-smart itu", "yang terakhir", "daftar yg paling awal" (router context)."""

from __future__ import annotations

import re

from bot.context import HandlerContext
from bot.core import IncomingMessage, Reply
from bot.i18n import _
from bot.router import Route
from bot.services.trainings import TrainingView
from handlers.titles import distinctive
from handlers.training_detail import show_training
from handlers.training_filters import _REGISTER, _aspect, _has, _to_filter, read_wanted, words_of
from handlers.training_lists import _render_list
from handlers.training_memory import _last_was_ours
from handlers.training_questions import answer_about
from handlers.training_search import register_code

CHEAPEST, PRICIEST, EARLIEST, LATEST, FEE = "cheapest", "priciest", "earliest", "latest", "fee"
SUPERLATIVES: tuple[tuple[str, frozenset[str]], ...] = (
    (CHEAPEST, frozenset({"paling murah", "paling murmer", "termurah", "paling hemat", "paling terjangkau",
                          "cheapest", "least expensive", "lowest price", "lowest fee", "plg murah", "pling murah",
                          "paling irit", "sing murah", "yang murah", "yg murah", "murah aja", "yang murahan"})),
    (PRICIEST, frozenset({"paling mahal", "termahal", "most expensive", "plg mahal", "priciest"})),
    (EARLIEST, frozenset({"paling awal", "paling cepat", "paling cepet", "paling duluan", "paling dulu", "terawal",
                          "tercepat", "duluan", "earliest", "soonest", "first one", "paling deket waktunya",
                          "paling dekat waktunya", "paling dekat tanggalnya", "paling deket tanggalnya",
                          "plg awal", "plg cepat", "yang duluan", "yg duluan", "paling gasik"})),
    (LATEST, frozenset({"paling akhir", "paling belakang", "paling telat", "latest", "last one", "plg akhir",
                        "yang terakhir", "yg terakhir", "paling terakhir", "paling bawah", "yg bawah"})),
)
# A fee typed the way prices are written: "rp150rb", "Rp 150.000", "150 ribu", "150k", "1,5 jt".
_PRICE = re.compile(r"(?i)(?:\brp\.?\s*)(\d+(?:[.,]\d+)*)\s*(rb|ribu|k|jt|juta)?\b|\b(\d+(?:[.,]\d+)?)\s*(rb|ribu|k|jt|juta)\b")
_MULTIPLIER = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000}
# Words that only point at the item, dropped before its title words are looked for.
_POINTING = frozenset({"itu", "tuh", "tadi", "ini", "nih", "niku", "eta", "iki", "kuwi", "that", "this", "one",
                       "yang", "aja", "saja", "deh", "dong", "kak", "mau", "pengen", "lihat", "liat", "detail",
                       "detailnya", "info", "infonya", "please", "pls", "boleh", "coba", "the", "show"})
PICK_MAX_WORDS = 10  # naming one item is short ("yaudah yg sikka aja deh, brp lama pelatihannya?")
TITLE_WORDS_MAX = 3  # title words that name the item ("yg kualitas malam")


def price_in(text: str) -> int | None:
    """The amount of a price typed in the message, in rupiah, or None."""
    found = _PRICE.search(text)
    if not found:
        return None
    digits, unit = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
    if unit:
        number = float(digits.replace(".", "").replace(",", ".")) if "," in digits else float(digits.replace(".", ""))
        if "." in digits and unit.lower() in ("jt", "juta") and len(digits.split(".")[-1]) < 3:
            number = float(digits)  # "1.5 jt"
        return int(number * _MULTIPLIER[unit.lower()])
    return int(re.sub(r"[.,]", "", digits))


def _superlative(words: str) -> tuple[str | None, str]:
    """The superlative asked ("paling murah"), and the words without it (for what else is asked)."""
    padded = f" {words} "
    for name, table in SUPERLATIVES:
        for phrase in sorted(table, key=len, reverse=True):
            if f" {phrase} " in padded:
                return name, padded.replace(f" {phrase} ", " ").strip()
    return None, words


def _action(words: str) -> list[str]:
    """What to do with the item named: register for it, answer a question about it, or show it."""
    if _has(words, _REGISTER) and not _has(words, {"batal", "batalkan", "cancel"}):
        return ["register"]
    aspect = _aspect(words)
    return ["aspect", aspect] if aspect else ["show"]


PREFIX_MIN = 5  # a typed word this long names a title's longer word it starts ("pewarna" for "pewarnaan")
_POINTERS = frozenset({"yg", "yang", "sing", "nu", "itu", "the", "one", "that"})


def _same_word(typed: str, title_word: str) -> bool:
    return typed == title_word or (len(typed) >= PREFIX_MIN and title_word.startswith(typed))


def _by_title(words: str, ctx: HandlerContext) -> str | None:
    """The code of the one listed training whose title has every title word typed, pointed at ("yg e-smart itu",
    "yaudah yg sikka aja deh, brp lama?", "iya daftar yg pewarna alam"); the message's other words may ask about it."""
    if not set(words.split()) & _POINTERS:
        return None
    listed = [(str(o[1]).split(":", 1)[1], distinctive(o[0])) for o in ctx.state.memory.get("options") or []
              if len(o) > 1 and str(o[1]).startswith("td:")]
    every_title = {w for _code, title in listed for w in title}
    typed = {w for w in distinctive(words) - _POINTING if any(_same_word(w, t) for t in every_title)}
    if not typed or len(typed) > TITLE_WORDS_MAX:
        return None
    having = [code for code, title in listed if all(any(_same_word(w, t) for t in title) for w in typed)]
    return having[0] if len(having) == 1 else None


def pick_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """One item of the list in view named by its price, a superlative or its title's words."""
    memory = ctx.state.memory
    if ctx.state.name or memory.get("focus") != "list" or not memory.get("shown") or not _last_was_ours(ctx):
        return None
    words = words_of(msg.text or "")
    if not words or len(words.split()) > PICK_MAX_WORDS:
        return None
    superlative, rest = _superlative(words)
    if superlative:
        return Route(pick_by_feature, [superlative, "", *_action(rest)])
    price = price_in(msg.text or "")
    if price is not None:
        return Route(pick_by_feature, [FEE, str(price), *_action(_PRICE.sub(" ", words))])
    code = _by_title(words, ctx)
    if code is None:
        return None
    action = _action(words)
    if action == ["show"] and (read_wanted(msg.text or "", ctx) or (ctx.understanding and ctx.understanding.topic)):
        return None  # "yg batik aja", "yg online": the list refined (handlers/trainings.py)
    return _act(action, code)  # "yaudah yg sikka aja deh, brp lama pelatihannya?": the Sikka one's duration


def _act(action: list[str], code: str) -> Route:
    if action[0] == "register":
        return Route(register_code, [code])
    if action[0] == "aspect":
        return Route(answer_about, [action[1], code])
    return Route(show_training, [code])


def _chosen(kind: str, value: str, trainings: list[TrainingView]) -> list[TrainingView]:
    if kind == FEE:
        return [t for t in trainings if str(t.fee) == value]
    if kind in (CHEAPEST, PRICIEST):
        fees = [t.fee for t in trainings]
        wanted = min(fees) if kind == CHEAPEST else max(fees)
        return [t for t in trainings if t.fee == wanted]
    ordered = sorted(trainings, key=lambda t: t.starts_at, reverse=kind == LATEST)
    return ordered[:1]


async def pick_by_feature(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """The training of the list in view (all its pages) with the price or superlative asked; several with it
    (all free): the list of those; none: the list again, saying so."""
    kind, value, *action = ctx.args
    wanted = dict((ctx.state.memory.get("shown") or {}).get("w") or {})
    trainings = await ctx.services.trainings.search(_to_filter(wanted))
    chosen = _chosen(kind, value, trainings) if trainings else []
    if len(chosen) == 1:
        route = _act(action or ["show"], chosen[0].code)
        ctx.args = route.args
        return await route.handler(msg, ctx)
    if chosen and all(t.fee == 0 for t in chosen):
        return await _render_list(ctx, {**wanted, "g": "1"})
    if chosen:
        first = sorted(chosen, key=lambda t: t.starts_at)[0]
        ctx.args = [first.code]
        return await show_training(msg, ctx)
    amount = f"Rp{int(value):,}".replace(",", ".") if value.isdigit() else value
    return await _render_list(ctx, wanted, note=_("Tidak ada pelatihan dengan biaya {fee} di daftar ini.").format(
        fee=amount))
