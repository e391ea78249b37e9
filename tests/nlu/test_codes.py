"""Training codes as printed on posters."""

from __future__ import annotations

import logging

import pytest

from bot.nlu import TRAINING_CODE_RE, find_training_code

logger = logging.getLogger(__name__)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("BTK-2612-YK", "BTK-2612-YK"),
        ("daftar btk-2612-yk ya", "BTK-2612-YK"),
        ("info BTK-YK-01 dong", "BTK-YK-01"),
        ("kode: PRK-01-BALI.", "PRK-01-BALI"),
        ("TNN-2701-NTT-03", "TNN-2701-NTT-03"),
        ("BTK-YK", "BTK-YK"),
        ("(Btk-2612-Yk)", "BTK-2612-YK"),
    ],
)
def test_codes(text: str, code: str) -> None:
    assert find_training_code(text) == code
    assert TRAINING_CODE_RE.search(text)


@pytest.mark.parametrize(
    "text",
    ["anak-anak", "kira-kira jam 9", "yang ke-2", "covid-19", "e-smart ikm", "5-10 des", "12-2026", "H-3",
     "eco-print", "A-1", "BTK", "2612", "AB-CD-EF-GH-IJ", "btk2612yk"],
)
def test_not_codes(text: str) -> None:
    assert find_training_code(text) is None
