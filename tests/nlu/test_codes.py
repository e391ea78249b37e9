"""Training codes as printed on posters: any case, letters, digits and -_./, up to 32 characters. The chat picks
candidates from a message; the catalogue says which exist (tests/dialogues/test_trainings.py)."""

from __future__ import annotations

import logging

import pytest

from bot.nlu import TRAINING_CODE_RE, find_training_code
from bot.nlu.codes import CODE_MAX, code_candidates, is_valid_code

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
        ("UJIBAR-BALI", "UJIBAR-BALI"),
        ("mau ikut UJIREG-1 kak", "UJIREG-1"),
        ("UKIRJEPARA-2027", "UKIRJEPARA-2027"),
        ("btk-yk-01", "BTK-YK-01"),
        ("kode btk.yk/01", "BTK.YK/01"),
        ("BTK_YK_01 masih buka?", "BTK_YK_01"),
        ("btk2612yk", "BTK2612YK"),
        ("daftar ujibar-bali", "UJIBAR-BALI"),  # lower case without a digit: after "daftar"/"kode"
        ("kode ujibar", "UJIBAR"),
    ],
)
def test_codes(text: str, code: str) -> None:
    assert find_training_code(text) == code
    assert code in code_candidates(text)


@pytest.mark.parametrize(
    "text",
    ["anak-anak", "kira-kira jam 9", "yang ke-2", "covid-19", "e-smart ikm", "5-10 des", "12-2026", "H-3",
     "eco-print", "A-1", "BTK", "2612", "KUPU-KUPU", "wa 0812-2233-4455", "nomor saya 081222334455", "rp150rb",
     "batik/tenun", "jam 09.00", "12/12", "harga 100rb", "1jt", "kapan2 ada lagi", "jl.malioboro no.5"],
)
def test_not_codes(text: str) -> None:
    assert find_training_code(text) is None
    assert not TRAINING_CODE_RE.search(text)


def test_the_importer_rule() -> None:
    for code in ("UJIBAR-BALI", "ujireg-1", "UKIRJEPARA-2027", "btk.yk/01", "A_B", "X" * CODE_MAX, "B1"):
        assert is_valid_code(code), code
    for code in ("", "X" * (CODE_MAX + 1), "2612", "-BTK", "BTK-", "BTK YK", "BTK:YK", "=1+1", "BTK–YK", "ḂTK"):
        assert not is_valid_code(code), code


def test_candidates_in_order_without_repeats() -> None:
    assert code_candidates("BTK-YK-01 atau btk-yk-01 atau UJIREG-1") == ["BTK-YK-01", "UJIREG-1"]
    assert code_candidates("X" * 40 + "-1") == []
