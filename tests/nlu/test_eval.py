"""Accuracy of bot.nlu on the labelled evaluation set, and the set's own hygiene."""

from __future__ import annotations

import logging

import pytest

from bot.nlu import normalize, understand
from bot.nlu.data import load
from bot.nlu.intents import INTENTS
from tests.nlu import evaluation

logger = logging.getLogger(__name__)

CRAFTS = {"batik", "perhiasan", "perak", "pewter", "tenun", "anyaman", "ecoprint", "kayu", "keramik", "bambu",
          "rotan", "kulit", "rajut", "bordir"}
TOPICS = {
    "nib", "bnsp", "tkdn", "merek", "desain_industri", "paten", "indikasi_geografis", "sni", "batikmark",
    "svlk", "halal", "online", "packaging", "pricing", "export", "photo", "branding", "exhibition",
    "financing",
}


@pytest.fixture(scope="module")
def score() -> evaluation.Score:
    return evaluation.score()


def test_intent_accuracy_at_least_95_percent(score: evaluation.Score) -> None:
    assert score.intent_accuracy >= 0.95, "\n".join(score.misses)


def test_slot_accuracy_at_least_90_percent(score: evaluation.Score) -> None:
    assert score.slot_accuracy >= 0.90, "\n".join(score.misses)


def test_eval_set_is_large_varied_and_valid() -> None:
    _, messages = evaluation.load()
    assert len(messages) >= 400
    assert len({m["text"] for m in messages}) == len(messages), "duplicate messages"
    assert {m["intent"] for m in messages} == set(INTENTS)
    for m in messages:
        assert set(m) <= {"text", "intent", *evaluation.SLOTS}, m
        assert m["intent"] in INTENTS, m
        assert m.get("craft") in CRAFTS | {None}, m
        assert m.get("topic") in TOPICS | {None}, m
        if m.get("regency"):
            assert m["regency"].split(".")[0] == m.get("province"), m


def test_eval_set_shares_no_message_with_the_training_phrases() -> None:
    _, messages = evaluation.load()
    training = {normalize(str(p)) for phrases in load("intents").values() for p in phrases}
    overlap = [m["text"] for m in messages if normalize(m["text"]) in training]
    assert not overlap


def test_no_region_where_none_was_named() -> None:
    today, messages = evaluation.load()
    spurious = [
        (m["text"], found.province, found.regency)
        for m in messages
        if not m.get("province") and (found := understand(m["text"], today=today)).province
    ]
    assert not spurious
