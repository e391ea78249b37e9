"""understand(): the contract of `kriya understand` and the examples of issue #3."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.nlu import Understanding, normalize, understand, warm_up
from tests.nlu.evaluation import load

logger = logging.getLogger(__name__)

TODAY = dt.date(2026, 11, 23)
KEYS = [
    "text", "intent", "craft", "province", "regency", "topic", "number", "date_from", "date_to", "confidence",
]


def test_as_dict_has_every_key_in_the_contract_order() -> None:
    found = understand("ada pelatihan batik di jogja bulan depan?", today=TODAY).as_dict()
    assert list(found) == KEYS
    assert found == {
        "text": "ada pelatihan batik di jogja bulan depan?", "intent": "training_search", "craft": "batik",
        "province": "34", "regency": None, "topic": None, "number": None, "date_from": "2026-12-01",
        "date_to": "2026-12-31", "confidence": found["confidence"],
    }
    assert 0.5 <= found["confidence"] <= 1 and round(found["confidence"], 2) == found["confidence"]


def test_as_dict_nulls() -> None:
    found = understand("halo", today=TODAY).as_dict()
    assert list(found) == KEYS
    assert all(found[k] is None for k in KEYS[2:9])


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("STOP", "unsubscribe"), ("stop", "unsubscribe"), ("BERHENTI", "unsubscribe"),
        ("Stop!", "unsubscribe"),
        ("MULAI", "subscribe"), ("2", "training_detail"), ("BTK-2612-YK", "training_detail"),
        ("ada pelatihan perak bln depan gak", "training_search"),
        ("gmn cara sertifikasi bnsp", "certification"),
        ("plthn btk jgja", "training_search"), ("daftarin saya yg no 2", "register"),
        ("Mohon informasi prosedur pendaftaran merek untuk usaha mikro", "certification"),
        ("info no 2", "training_detail"), ("yang kedua", "training_detail"),
        ("detail nomor 3", "training_detail"),
        ("daftar no 2", "register"), ("hapus data saya", "delete_data"), ("ganti bahasa", "language"),
        ("english please", "language"), ("bahasa indonesia", "language"),
        ("mau bicara dengan admin", "human"),
        ("nomor kontak dinas", "human"), ("pelatihan saya", "my_registrations"),
        ("my registrations", "my_registrations"), ("batal daftar", "cancel_registration"),
        ("profil saya", "profile"), ("ubah nama", "profile"), ("langganan info pelatihan batik", "subscribe"),
        ("resep rendang", "unknown"), ("siapa presiden", "unknown"), ("harga bitcoin", "unknown"),
        ("cuaca besok", "unknown"), ("makasih min", "thanks"), ("halo", "greeting"), ("help", "help"),
    ],
)
def test_intents_of_the_issue(text: str, intent: str) -> None:
    assert understand(text, today=TODAY).intent == intent


def test_rules_are_confident() -> None:
    assert understand("STOP", today=TODAY).confidence >= 0.95
    assert understand("MULAI", today=TODAY).confidence >= 0.95


def test_slots_are_kept_when_the_intent_is_unknown() -> None:
    found = understand("cuaca besok di bali", today=TODAY)
    assert found.intent == "unknown"
    assert (found.province, found.date_from) == ("51", dt.date(2026, 11, 24))


def test_topic_only_for_certification_and_market_tips() -> None:
    assert understand("cara daftar merek", today=TODAY).topic == "merek"
    assert understand("tips jualan di shopee", today=TODAY).topic == "online"
    assert understand("pelatihan ekspor untuk perajin", today=TODAY).topic is None
    assert understand("langganan info pelatihan batik", today=TODAY).topic is None


def test_same_word_different_topic_by_intent() -> None:
    assert understand("cara daftar IG produk tenun kami", today=TODAY).topic == "indikasi_geografis"
    assert understand("tips jualan di ig biar laris", today=TODAY).topic == "online"


def test_typos_in_crafts() -> None:
    assert understand("pelatihan perhiasn", today=TODAY).craft == "perhiasan"
    assert understand("workshop ecoprin", today=TODAY).craft == "ecoprint"
    assert understand("kelas anyamn", today=TODAY).craft == "anyaman"
    assert understand("plthn btk", today=TODAY).craft == "batik"


def test_today_defaults_to_the_real_today() -> None:
    found = understand("besok")
    assert found.date_from == dt.date.today() + dt.timedelta(days=1)


def test_frozen() -> None:
    found = understand("halo", today=TODAY)
    assert isinstance(found, Understanding)
    with pytest.raises(AttributeError):
        found.intent = "help"  # type: ignore[misc]


def test_thread_safe_and_deterministic() -> None:
    warm_up()
    texts = ["plthn btk jgja", "daftar no 2", "STOP", "tips jualan online", "resep rendang"] * 40
    expected = [understand(t, today=TODAY).as_dict() for t in texts]
    results: dict[int, list[dict[str, object]]] = {}

    def work(k: int) -> None:
        results[k] = [understand(t, today=TODAY).as_dict() for t in texts]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results.values())


def test_saved_model_is_fresh() -> None:
    """Fails when data/intents.yaml, the lexicon or the reading of messages changed: `python -m bot.nlu`."""
    from bot.nlu.intents import IntentModel, fingerprint
    from bot.nlu.understanding import MODEL_FILE, examples

    raw = (Path(__file__).parents[2] / "bot" / "nlu" / "data" / MODEL_FILE).read_bytes()
    fresh = IntentModel.from_bytes(raw, fingerprint(*examples()))
    assert fresh is not None, "stale model: run python -m bot.nlu"


def test_saved_model_is_what_training_gives() -> None:
    from bot.nlu.intents import IntentModel
    from bot.nlu.understanding import MODEL_FILE, train

    trained, stamp = train()
    raw = (Path(__file__).parents[2] / "bot" / "nlu" / "data" / MODEL_FILE).read_bytes()
    saved = IntentModel.from_bytes(raw, stamp)
    assert saved is not None
    _, messages = load()
    for text in [m["text"] for m in messages[::10]]:
        reading = " ".join(normalize(text).split())
        assert np.allclose(saved.probabilities(reading), trained.probabilities(reading), atol=1e-4), text
