"""Training codes as printed on posters: BTK-2612-YK, BTK-YK-01."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

# 2 to 4 groups of letters or digits joined by hyphens, at least one group of letters. Case-insensitive when
# the code holds a digit (btk-2612-yk); all letters only in capitals (BTK-YK), so that "anak-anak" is no code.
# A group of letters has 2 to 5 of them and is not "ke" ("ke-2" is an ordinal) nor "covid".
_GROUP = r"(?:(?!ke-|covid-)[a-z]{2,5}|\d{1,6})"
_WITH_DIGIT = rf"(?i:(?=[a-z0-9-]*\d)(?=[a-z0-9-]*[a-z]){_GROUP}(?:-{_GROUP}){{1,3}})"
_CAPITALS = r"[A-Z]{2,5}(?:-[A-Z]{2,5}){1,3}"
TRAINING_CODE_RE = re.compile(rf"(?<![\w-])(?:{_WITH_DIGIT}|{_CAPITALS})(?![\w-])")


def find_training_code(text: str) -> str | None:
    """The first training code in the text, in capitals, or None."""
    m = TRAINING_CODE_RE.search(text)
    return m[0].upper() if m else None
