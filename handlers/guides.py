"""Certification guides step by step, and market tips page by page, from locales/<lang>/content."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot import content, payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _, format_as_of
from bot.nlu import answers, asking
from bot.router import Route
from handlers import form_questions
from handlers.subscriptions import start_messages
from handlers.training_filters import _has
from handlers.training_memory import GUIDE

logger = logging.getLogger(__name__)


def _index_reply(text: str, items: dict[str, dict[str, Any]], route: str) -> Reply:
    buttons = tuple(
        Button(item["title"], payloads.make(route, key), description=item.get("summary")) for key, item in items.items()
    )
    return Reply(text, (*buttons, Button(_("Menu"), payloads.make("menu"))))


def _position(args: list[str], count: int) -> int:
    """The step or page asked for (1-based), 0 for the overview; clamped to what exists."""
    if len(args) < 2 or not args[1].isdigit():
        return 0
    return max(0, min(int(args[1]), count))


# --- certification ------------------------------------------------------------------------------

def _guide_overview(topic: str, guide: dict[str, Any]) -> Reply:
    steps = guide.get("steps") or []
    lines = [guide["title"], "", guide["intro"].strip(), ""]
    lines.append(_("Yang perlu disiapkan:"))
    lines += [f"• {doc}" for doc in guide.get("documents") or []]
    lines += [
        "",
        _("Biaya: {cost} (per {day})").format(cost=guide["cost"], day=format_as_of(guide.get("cost_as_of"))),
    ]
    if guide.get("duration"):
        lines.append(_("Lama proses: {duration}").format(duration=guide["duration"]))
    lines.append(_("Informasi resmi: {link}").format(link=guide["link"]))
    lines += ["", _("Ada {n} langkah. Mau saya pandu satu per satu?").format(n=len(steps))]
    buttons = (
        Button(_("Mulai langkah 1"), payloads.make("cert", topic, 1), answer="next"),
        Button(_("Panduan lain"), payloads.make("cert")),
        Button(_("Menu"), payloads.make("menu"), answer="no"),
    )
    return Reply("\n".join(lines), buttons)


def _guide_step(topic: str, guide: dict[str, Any], number: int) -> Reply:
    steps = guide["steps"]
    step = steps[number - 1]
    lines = [
        _("{guide}: langkah {n} dari {total}").format(guide=guide["title"], n=number, total=len(steps)),
        "",
        step["title"],
        step["body"].strip(),
    ]
    buttons = []
    if number < len(steps):
        buttons.append(Button(_("Langkah berikutnya"), payloads.make("cert", topic, number + 1), answer="next"))
    else:
        lines += ["", _("Selesai! Itu langkah terakhir.")]
        if guide.get("help"):
            lines.append(_("Butuh bantuan? {help}").format(help=guide["help"].strip()))
        if guide.get("notes"):
            lines.append(_("Catatan: {notes}").format(notes=guide["notes"].strip()))
        lines.append(_("Informasi resmi: {link}").format(link=guide["link"]))
    if number > 1:
        buttons.append(Button(_("Sebelumnya"), payloads.make("cert", topic, number - 1), answer="back"))
    buttons += [Button(_("Panduan lain"), payloads.make("cert")), Button(_("Menu"), payloads.make("menu"))]
    return Reply("\n".join(lines), tuple(buttons))


async def show_guide(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the list of certification guides, a guide's overview, or one of its steps."""
    guides = content.guides()
    topic = ctx.args[0] if ctx.args else (ctx.understanding.topic if ctx.understanding else None)
    guide = guides.get(topic or "")
    if guide is None:
        text = _("Panduan sertifikasi dan perizinan. Mulailah dari NIB bila belum punya. Pilih topik:")
        return [_index_reply(text, guides, "cert")]
    number = _position(ctx.args, len(guide["steps"]))
    assert topic is not None
    ctx.state.memory["guide"] = {"topic": topic, "step": number}  # where the person is (0: the overview)
    ctx.state.memory["focus"] = GUIDE  # follow-ups are about the guide until a training or a list is shown
    return [_guide_step(topic, guide, number) if number else _guide_overview(topic, guide)]


# --- market tips --------------------------------------------------------------------------------

async def show_tip(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the list of market tips, or one page of a tip."""
    tips = content.tips()
    topic = ctx.args[0] if ctx.args else (ctx.understanding.topic if ctx.understanding else None)
    tip = tips.get(topic or "")
    if tip is None:
        return [_index_reply(_("Tips pasar untuk perajin. Pilih topik:"), tips, "tip")]
    assert topic is not None
    pages = tip["pages"]
    number = _position(ctx.args, len(pages)) or 1
    ctx.state.memory["tip"] = {"topic": topic, "page": number}
    page = pages[number - 1]
    lines = [f"{tip['title']} ({number}/{len(pages)})", "", page["title"], page["body"].strip()]
    buttons = []
    if number < len(pages):
        buttons.append(Button(_("Lanjut"), payloads.make("tip", topic, number + 1), answer="next"))
    else:
        if tip.get("link"):
            lines += ["", _("Informasi lebih lanjut: {link}").format(link=tip["link"])]
        if tip.get("as_of"):
            lines.append(_("Angka per {day}; periksa lagi sumber resminya.").format(day=format_as_of(tip["as_of"])))
    if number > 1:
        buttons.append(Button(_("Sebelumnya"), payloads.make("tip", topic, number - 1), answer="back"))
    buttons += [Button(_("Tips lain"), payloads.make("tip")), Button(_("Menu"), payloads.make("menu"))]
    return [Reply("\n".join(lines), tuple(buttons), replace=bool(msg.payload))]


# --- "mulai" under a guide, MULAI elsewhere -----------------------------------------------------

RESUME_WORDS = frozenset({"mulai", "resume"})  # MULAI (messages on again), also "mulai lagi dong kak"
_RESUME_COURTESY = frozenset({"lagi", "dong", "kak", "ya", "aja", "saja", "deh", "min", "admin", "please", "pls",
                              "pesan", "pesannya", "kirim", "again", "messages", "sekarang"})


def _offered_step(ctx: HandlerContext) -> str | None:
    """The payload of the step the last reply offers to go on with (its "next" option) when it is a guide's;
    at a guide's last step, its first step (start again)."""
    steps = [option for option in ctx.state.memory.get("options") or []
             if len(option) > 2 and payloads.parse(option[1])[0] in ("cert", "tip")]
    for _title, payload, meaning in steps:
        if meaning == "next":
            return str(payload)
    for _title, payload, meaning in steps:
        if meaning == "back":
            route, args = payloads.parse(payload)
            return payloads.make(route, args[0], 1)
    return None


async def start_step_or_messages(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """MULAI: messages on again; under a guide, "mulai" starts (or goes on with) the steps it offers."""
    step = _offered_step(ctx)
    if step is None:
        return await start_messages(msg, ctx)
    route, ctx.args = payloads.parse(step)
    return await (show_guide(msg, ctx) if route == "cert" else show_tip(msg, ctx))


def resume_in_words(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """"mulai lagi dong kak": MULAI (or the guide's next step under a guide) in more words than the keyword."""
    words = answers.words(msg.text or "")
    if len(words) < 2 or words[0] not in RESUME_WORDS or not set(words[1:]) <= _RESUME_COURTESY:
        return None
    return Route(start_step_or_messages)


# --- follow-ups under a guide: another question keeps its position --------------------------------

def _guide_in_view(ctx: HandlerContext) -> tuple[str, int, dict[str, Any]] | None:
    where = ctx.state.memory.get("guide")
    if ctx.state.memory.get("focus") != GUIDE or not isinstance(where, dict):
        return None
    guide = content.guides().get(str(where.get("topic") or ""))
    step = where.get("step")
    return (str(where["topic"]), step, guide) if guide is not None and isinstance(step, int) else None


async def answer_about_guide(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """The guide's duration or cost, asked in the middle of it; the person's step is kept ("lanjut" goes on)."""
    found = _guide_in_view(ctx)
    assert found is not None
    topic, step, guide = found
    if ctx.args and ctx.args[0] == "cost":
        line = _("Biaya: {cost} (per {day})").format(cost=guide["cost"], day=format_as_of(guide.get("cost_as_of")))
    elif ctx.args and ctx.args[0] == "documents":
        line = "\n".join([_("Yang perlu disiapkan:"), *(f"• {d}" for d in guide["documents"])])
    elif ctx.args and ctx.args[0] == "step" and step:
        current = guide["steps"][step - 1]
        line = "\n".join([_("Yang bisa saya bantu dari sini: langkah {n}, {title}.").format(n=step, title=current["title"]),
                          current["body"].strip()])
        if guide.get("help"):
            line += "\n\n" + _("Butuh bantuan? {help}").format(help=guide["help"].strip())
    elif ctx.args and ctx.args[0] == "help":
        line = _("Itu belum bisa saya jawab dengan pasti. Yang bisa ditanya: {help}").format(help=guide["help"].strip())
    else:
        line = _("Lama proses: {duration}").format(duration=guide.get("duration") or "-")
    buttons = []
    if step < len(guide["steps"]):
        buttons.append(Button(_("Lanjut ke langkah {n}").format(n=step + 1), payloads.make("cert", topic, step + 1),
                              answer="next"))
    buttons.append(Button(_("Menu"), payloads.make("menu")))
    return [Reply(line, tuple(buttons))]


# "What next" and "the one before" in words under a guide's step.
_WHAT_NEXT = frozenset({"abis itu", "habis itu", "setelah itu", "sesudah itu", "trus ngapain", "terus ngapain",
                        "trs ngapain", "selanjutnya apa", "lalu apa", "what next", "then what", "and then"})
_THE_ONE_BEFORE = frozenset({"yg td", "yang tadi", "yg tadi", "langkah tadi", "the previous one", "the one before"})
# Question words wherever they stand ("klo ditolak gmn", "ujiannya dmn"), and words of a search of trainings.
_ASKING_ANYWHERE = frozenset({"gmn", "gimana", "bagaimana", "dmn", "dimana", "kenapa", "knp", "apa", "apakah",
                              "how", "where", "why", "what"})
_SEARCHING = frozenset({"pelatihan", "kursus", "kelas", "training", "course", "class", "workshop", "jadwal"})
# Asking for the steps themselves under a guide's overview.
_THE_STEPS = frozenset({"langkah", "langkahnya", "steps", "step", "caranya", "tahapan", "tahapannya", "tahap",
                        "prosedur", "prosedurnya", "procedure"})


# A step named by its number ("langkah 3", "step ke-2", "tahap 4") and a message ending by going on.
_STEP_NAMED = re.compile(r"(?i)\b(?:langkah|step|tahap|tahapan)\s*(?:ke\s*-?\s*|no\.?\s*|nomor\s*)?(\d{1,2})\b")
_GOING_ON_LAST = frozenset({"lanjut", "lanjutkan", "lanjutin", "next", "berikutnya", "selanjutnya", "lnjt", "lanjoot"})


_STARTING = frozenset({"mulai", "mulailah", "start", "begin", "yuk", "ayo", "gas"})  # the first step, asked to begin
GO_ON_MAX_WORDS = 4  # "nggih mulai kak": a short answer, not a sentence about something else
GUIDE_UNSURE = 0.6  # below this the NLU's reading of a question under a guide's step yields to the step
_SHARED_WORDS = 2  # content words a question shares with the step's text to be about it
_CONTENT_LETTERS = 4  # shorter words ("ada", "yg", "sy") say nothing of what the question is about


def _about_the_step(typed: list[str], step: dict[str, Any]) -> bool:
    """Whether a question speaks of what the step says ("nama merek" under "Cek nama merek")."""
    said = {w for w in answers.words(f"{step['title']} {step['body']}") if len(w) >= _CONTENT_LETTERS}
    return len(said & {w for w in typed if len(w) >= _CONTENT_LETTERS}) >= _SHARED_WORDS


def follow_up(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """Under a certification guide: "lanjut" goes on from the step the person reached (also after another
    question was answered), and its duration or cost is answered without losing the step."""
    found = _guide_in_view(ctx)
    if found is None:
        return None
    topic, step, guide = found
    typed = answers.words(msg.text or "")
    said = " ".join(typed)
    named_step = _STEP_NAMED.search(msg.text or "")
    if named_step:  # "oke sy udh punya NIB ternyata, lanjut merek langkah 3": that guide's step
        wanted = ctx.understanding.topic if ctx.understanding and ctx.understanding.topic else topic
        return Route(show_guide, [wanted, named_step.group(1)])
    going_on = (answers.meaning(msg.text or "") == "next" or _has(said, _WHAT_NEXT)
                or bool(typed and typed[-1] in _GOING_ON_LAST))  # "ulos kan bukan kayu bang 😅 lanjut"
    if step == 0 and set(typed) & _STARTING and len(typed) <= GO_ON_MAX_WORDS:
        return Route(show_guide, [topic, "1"])  # "nggih mulai" under "Mulai langkah 1": the guide, not MULAI
    if going_on and step < len(guide["steps"]):
        return Route(show_guide, [topic, str(step + 1)])  # "lanjut", "trs abis itu ngapain"
    if step > 1 and _has(said, _THE_ONE_BEFORE):
        return Route(show_guide, [topic, str(step - 1)])  # "balik lg ke yg td"
    u = ctx.understanding
    asks = ((msg.text or "").strip().endswith("?") or form_questions.is_question(msg.text or "")
            or bool(set(typed) & _ASKING_ANYWHERE))
    unsure = u is None or u.intent == "unknown" or u.confidence < GUIDE_UNSURE
    if step and asks and unsure and _about_the_step(typed, guide["steps"][step - 1]):
        return Route(answer_about_guide, ["step"])  # "nama merek sy udh ada yg pake gmn? bisa dicekin?"
    if len(typed) > 6:
        return None
    if asking.asks_duration(msg.text or ""):
        return Route(answer_about_guide, ["duration"])
    aspect = asking.aspect_asked(msg.text or "")
    if aspect == "fee":
        return Route(answer_about_guide, ["cost"])
    if aspect == "requirements" and guide.get("documents"):
        return Route(answer_about_guide, ["documents"])  # "syaratnya apa aja": the documents to prepare
    if step == 0 and set(typed) & _THE_STEPS:
        return Route(show_guide, [topic, "1"])  # "what are the steps", "langkahnya gimana" under the overview
    named = u is not None and bool(u.craft or u.province or u.regency or u.date_from or u.topic)
    other = u is not None and u.intent not in ("unknown", "training_search", "training_detail", "help")
    if guide.get("help") and asks and not named and not other and not set(typed) & _SEARCHING:
        return Route(answer_about_guide, ["help"])  # "ujiannya dmn", "klo ditolak gmn": who can tell; step kept
    return None
