"""The gender field of the registration form: optional, in words ("cewek", "lk", "rahasia aja"), skippable."""

from __future__ import annotations

import logging

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage
from bot.genders import FEMALE, GENDERS, MALE, UNDISCLOSED
from bot.i18n import _
from handlers.fields_place import is_skip
from handlers.form_reading import Reading, cancel_button, other_question, words_of

logger = logging.getLogger(__name__)


_FEMALE = frozenset("""perempuan perempuan wanita cewek cewe cw pr ibu ibuk bunda female woman women girl wadon
istri puan""".split())
_MALE = frozenset("""laki lakilaki lk pria cowok cowo cwo bapak pak male man men boy lanang suami""".split())
# "rahasia aja", "gak mau sebut", "lebih suka tidak menyebut", "prefer not to say", "no comment"
_UNDISCLOSED = frozenset("""rahasia privasi private secret prefer sebut menyebut disebut sebutkan nyebut kasih
tahu comment""".split())
_GLUE = frozenset("""saya sy aku gue gw i am im a seorang kak ka min ya yaa deh dong sih saja aja kok nih jenis
kelamin gender sex my is bu pak mas mbak""".split())


def ask_gender(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    return _("Jenis kelamin Anda: perempuan, laki-laki, atau lebih suka tidak menyebut? Boleh dilewati (hanya "
             "untuk laporan pelatihan)."), (
        Button(_("Perempuan"), "rf:gender:female"), Button(_("Laki-laki"), "rf:gender:male"),
        Button(_("Tidak menyebut"), "rf:gender:undisclosed"), cancel_button())


_SAYING = frozenset("""tidak gak ga nggak ngga enggak ndak mau ingin pengen lebih suka not to say no rather dont
want""".split())  # the words around a "rather not say"


def gender_in(text: str) -> str | None:
    """female, male or undisclosed as the message says it; None when it says none of them, both, or more than
    that (a sentence about something else)."""
    words = set(words_of(text.replace("-", "")) + words_of(text)) - {"2"}  # "ibu2", "laki-laki"
    if is_skip(text):
        return UNDISCLOSED
    if not words or not words <= _FEMALE | _MALE | _UNDISCLOSED | _GLUE | _SAYING | {"lakilaki"}:
        return None
    if words & _UNDISCLOSED:
        return UNDISCLOSED
    female, male = bool(words & _FEMALE), bool(words & (_MALE | {"lakilaki"}))
    return (FEMALE if female else MALE) if female != male else None


def read_gender(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    if ctx.args[1:2] and ctx.args[1] in GENDERS:
        return Reading(ctx.args[1])
    found = gender_in(msg.text or "")
    if found is not None:
        return Reading(found)
    return Reading(problem=_("Pilih Perempuan, Laki-laki, atau Tidak menyebut (boleh juga dilewati)."))


def looks_like_gender(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    return gender_in(msg.text or "") is not None or not other_question(ctx)
