"""Spam and scams: prize, free-credit, loan and investment messages, mostly with a link, are off-topic however
much they mention trainings ("Hadiah kuis pelatihan menanti! klik bit.ly/...")."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache

from bot.nlu import data
from bot.nlu.normalize import fold

logger = logging.getLogger(__name__)

# A web address: with a scheme or www., or a name with a dot and a common ending; never an e-mail address.
_LINK = re.compile(
    r"(?:https?://|www\.)\S+|(?<![@\w.])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|id|net|org|xyz|top|ly|me|co|info|site|"
    r"online|link|click|shop|store|biz|vip|cc|io)(?:/\S*)?(?![\w@])",
    re.IGNORECASE,
)
SPAM_WORDS_WITHOUT_LINK = 2  # spam words a message needs when it has no link


@cache
def _words() -> frozenset[str]:
    return frozenset(fold(str(w)) for w in data.load("lexicon")["spam"])


def has_link(text: str) -> bool:
    return _LINK.search(text) is not None


def is_spam(text: str, tokens: Sequence[str]) -> bool:
    """A link and a spam word, or several spam words, in the raw text and its normalised tokens."""
    count = sum(1 for t in tokens if t in _words())
    return count >= SPAM_WORDS_WITHOUT_LINK or (count >= 1 and has_link(text))
