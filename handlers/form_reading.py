"""What every form field shares: the Field and Reading types, the person's words, who counts as foreign."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage
from bot.i18n import _
from bot.nlu import normalize
from bot.services.trainings import INTERNATIONAL_LANGUAGE, TrainingView

OTHER_QUESTION = 0.75  # how sure the NLU must be that an unframed message is another question


def open_to_international(training: TrainingView) -> bool:
    """The one rule for foreign participants: trainings held in English accept numbers from any country."""
    return training.language == INTERNATIONAL_LANGUAGE


def international(ctx: HandlerContext) -> bool:
    """The training being registered for accepts participants from abroad."""
    return bool((ctx.state.data.get("training_view") or {}).get("international"))


def foreign(ctx: HandlerContext) -> bool:
    """No KTP wording: the person writes in English or the training is international."""
    return ctx.person.language == "en" or international(ctx)


def words_of(text: str) -> list[str]:
    """The message's words, normalised by the NLU (slang expanded: sy -> saya, udh -> sudah)."""
    return normalize(unicodedata.normalize("NFKC", text or "")).split()


def other_question(ctx: HandlerContext) -> bool:
    u = ctx.understanding
    return u is not None and u.intent not in ("unknown", "greeting", "thanks") and u.confidence >= OTHER_QUESTION


# --- what a reader gives back -------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """An answer read: a value, or a problem to say, or choices to ask back (an ambiguous answer), or `stay`
    (recorded, the same question goes on: a craft chosen from the buttons)."""

    value: Any = None
    problem: str | None = None
    choices: tuple[Button, ...] = ()
    stay: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # extra form data to keep (a province hint)


Ask = Callable[[HandlerContext], tuple[str, tuple[Button, ...]]]
Read = Callable[[IncomingMessage, HandlerContext], Reading]
LooksLike = Callable[[IncomingMessage, HandlerContext], bool]
Reask = Callable[[HandlerContext], str]


@dataclass(frozen=True)
class Field:
    """One question of the form."""

    name: str  # the key in the form's data and the step in the state (reg:name)
    ask: Ask  # the question with its buttons
    read: Read  # the answer, in the person's words or by button
    looks_like: LooksLike  # whether a message answers this question (else it may be another question)
    reask: Reask  # the question again in one line, after an interruption
    change: Callable[[], str]  # the title of its "change" button at the confirmation
    words: frozenset[str]  # words that name it ("nomornya salah", "ganti nama")
    button: str = ""  # the first argument of its own `rf:` buttons
    # optional, asked on the confirmation itself (its buttons beside "Ya, daftar") instead of as a step of its own
    at_confirmation: bool = False


def cancel_button() -> Button:
    return Button(_("Batal"), "rf:cancel")


# Words by which a message is about the person themself ("kerajinan saya", "my profile"), not about a list.
ONESELF = frozenset({"saya", "sy", "aku", "ku", "gue", "gw", "my", "profil", "profile", "profilku", "kami"})


# "batik, eh salah, maksudnya tenun", "Sleman eh keliru, yg bener Bantul": what follows the last correction.
_CORRECTION = re.compile(
    r"(?i)(?:^|[\s,.;!]+)(?:eh\s+|ehh\s+|oh\s+|aduh\s+)?(?:salah(?!\s+satu)|keliru|ralat|typo|sorry|maaf|oops)"
    r"(?:\s+(?:ketik|tulis))?[\s,.;:!-]*(?:(?:maksudnya|maksud\s+saya|maksudku|harusnya|seharusnya|mestinya|"
    r"yang\s+benar|yg\s+benar|yg\s+bener|yang\s+bener|i\s+mean|should\s+be)\b[\s,:;-]*)?")


def corrected_to(text: str) -> str | None:
    """What follows the last correction in an answer ("" when nothing does), None without a correction."""
    cuts = list(_CORRECTION.finditer(text))
    return text[cuts[-1].end():].strip(" ,.;:!-") if cuts else None


def after_correction(text: str) -> str:
    """The part of an answer after the person corrected themselves in it, or the whole answer."""
    return corrected_to(text) or text

