"""Common questions about what a certification guide asks for ("kalo ga punya npwp gmn", "what is KBLI?",
"kalau gagal ujian bisa ulang?"), answered from the guide's own content wherever they are asked; a guide in
view keeps its step, and a form being filled asks its question again."""

from __future__ import annotations

from bot import content, payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.crafts import craft_name
from bot.i18n import _
from bot.regions import region_name
from bot.router import Route
from bot.services.trainings import TrainingFilter
from handlers.training_filters import _has, code_payload, words_of
from handlers.training_lists import _list_payload
from handlers.training_memory import GUIDE
from handlers.training_text import list_line

QUESTIONS_JOIN = "+"  # two questions of one guide in one message: "…warna apa? trus merek hrs udh jadi sertifikat?"


def question_asked(text: str) -> tuple[str, str] | None:
    """(topic, question keys joined by QUESTIONS_JOIN) of the guide questions `text` asks, if it asks one: every
    question it asks of the first guide it asks about."""
    typed = words_of(text)
    asked = [(topic, key) for topic, key, words in content.guide_questions() if _has(typed, words)]
    if not asked:
        return None
    topic = asked[0][0]
    return topic, QUESTIONS_JOIN.join(key for of, key in asked if of == topic)


def asked(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    found = question_asked(msg.text or "") if msg.text else None
    return Route(answer_question, list(found)) if found else None


def asked_for_a_body(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """"LSP utk tenun ada gk? sy di jepara": the certification bodies Kriya knows for the craft named (or all), and
    that craft's trainings nearest the place named; under the guide its step is kept."""
    u = ctx.understanding
    if not msg.text or u is None or (u.topic and u.topic != content.BODIES_TOPIC):
        return None
    if not _has(words_of(msg.text), content.body_words()):
        return None
    return Route(answer_bodies, [u.craft or "", u.regency or u.province or ""])


BODY_TRAININGS = 3  # trainings of the craft shown with the bodies


async def answer_bodies(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    craft, place = [*ctx.args, "", ""][:2]
    known = content.bodies()
    meant = [b for b in known if craft in (b.get("crafts") or [])] if craft else known
    lines: list[str] = []
    if craft and not meant:
        lines.append(_("Kami belum punya data LSP untuk {craft}. LSP kriya yang kami tahu:").format(
            craft=craft_name(craft)))
        meant = known
    elif craft:
        lines.append(_("LSP untuk {craft} yang kami tahu:").format(craft=craft_name(craft)))
    else:
        lines.append(_("LSP kriya yang kami tahu:"))
    lines += [f"• {b['name']} ({b['about']})" for b in meant]
    guide = content.guides().get(content.BODIES_TOPIC) or {}
    if guide.get("help"):
        lines += ["", _("Tanyakan LSP dan jadwal uji terdekat ke: {help}").format(help=guide["help"].strip())]
    near = place or ctx.person.regency or ctx.person.province or None
    found = (await ctx.services.trainings.search(TrainingFilter(craft=craft, near=near)))[:BODY_TRAININGS] if craft else []
    buttons = [Button(t.title, code_payload("td", t.code)) for t in found]
    if found:
        heading = (_("Pelatihan {craft} terdekat dari {place}:").format(craft=craft_name(craft), place=region_name(near))
                   if near and region_name(near) else _("Pelatihan {craft} mendatang:").format(craft=craft_name(craft)))
        lines += ["", heading, ""] + [list_line(i, t, ctx) for i, t in enumerate(found, 1)]
        ctx.state.memory["list"] = [t.code for t in found]
        buttons.append(Button(_("Semua pelatihan {craft}").format(craft=craft_name(craft)),
                              _list_payload({"c": craft, "n": near or ""})))
    elif craft:
        lines += ["", _("Belum ada pelatihan {craft} mendatang di data kami.").format(craft=craft_name(craft))]
    where = ctx.state.memory.get("guide")
    step = where.get("step") if isinstance(where, dict) and where.get("topic") == content.BODIES_TOPIC else None
    steps = len(guide.get("steps") or [])
    if isinstance(step, int) and ctx.state.memory.get("focus") == GUIDE and step < steps:
        buttons.append(Button(_("Lanjut ke langkah {n}").format(n=step + 1),
                              payloads.make("cert", content.BODIES_TOPIC, step + 1), answer="next"))
    elif guide:
        buttons.append(Button(_("Panduan {title}").format(title=guide["title"]), payloads.make("cert", content.BODIES_TOPIC)))
    buttons.append(Button(_("Menu"), payloads.make("menu")))
    return [Reply("\n".join(lines), tuple(buttons))]


async def answer_question(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    topic, key = ctx.args
    guide = content.guides()[topic]
    answer = "\n\n".join(guide["questions"][k]["answer"].strip() for k in key.split(QUESTIONS_JOIN))
    where = ctx.state.memory.get("guide")
    step = where.get("step") if isinstance(where, dict) and where.get("topic") == topic else None
    buttons = []
    if isinstance(step, int) and ctx.state.memory.get("focus") == GUIDE and step < len(guide["steps"]):
        buttons.append(Button(_("Lanjut ke langkah {n}").format(n=step + 1), payloads.make("cert", topic, step + 1),
                              answer="next"))
    else:
        buttons.append(Button(_("Panduan {title}").format(title=guide["title"]), payloads.make("cert", topic)))
    buttons.append(Button(_("Menu"), payloads.make("menu")))
    return [Reply(answer, tuple(buttons))]
