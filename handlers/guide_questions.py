"""Common questions about what a certification guide asks for ("kalo ga punya npwp gmn", "what is KBLI?",
"kalau gagal ujian bisa ulang?"), answered from the guide's own content wherever they are asked; a guide in
view keeps its step, and a form being filled asks its question again."""

from __future__ import annotations

from bot import content, payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.router import Route
from handlers.training_filters import _has, words_of
from handlers.training_memory import GUIDE

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
