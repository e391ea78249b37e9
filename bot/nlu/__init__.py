"""Kriya's natural-language understanding: intent, slots and confidence for one message."""

from __future__ import annotations

import logging

from bot.nlu.codes import TRAINING_CODE_RE, find_training_code
from bot.nlu.intents import INTENTS
from bot.nlu.normalize import normalize
from bot.nlu.understanding import Understanding, understand, unread_words, warm_up

logger = logging.getLogger(__name__)

__all__ = [
    "INTENTS", "TRAINING_CODE_RE", "Understanding", "find_training_code", "normalize", "understand",
    "unread_words", "warm_up",
]
