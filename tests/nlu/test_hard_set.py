"""The hard set of issue 16 (tests/nlu/hard_set.yaml): its hygiene, and that it stays apart from the training data."""

from __future__ import annotations

import logging
import re

import pytest

from bot.nlu.data import load
from bot.nlu.intents import INTENTS
from bot.nlu.normalize import fold
from tests.nlu import evaluation
from tests.nlu.test_eval import CRAFTS, TOPICS

logger = logging.getLogger(__name__)

_RUNS = re.compile(r"([a-z])\1+")
HARD_KEYS = {"text", "intent", "kind", "held_out", *evaluation.SLOTS}


def test_hard_set_is_large_varied_and_valid() -> None:
    _, messages = evaluation.load(evaluation.HARD_SET)
    assert len(messages) >= 300
    assert len({m["text"].lower() for m in messages}) == len(messages), "duplicate messages"
    assert {m["intent"] for m in messages} == set(INTENTS)
    assert {m["kind"] for m in messages} == set(evaluation.KINDS)
    held_out = [m for m in messages if m.get("held_out")]
    assert len(messages) // 4 < len(held_out) < len(messages) // 2
    for m in messages:
        assert set(m) <= HARD_KEYS, m
        assert m.get("craft") in CRAFTS | {None}, m
        assert m.get("topic") in TOPICS | {None}, m
        if m.get("regency"):
            assert m["regency"].split(".")[0] == m.get("province"), m


def surface(text: str) -> str:
    """A message as written, up to case, accents, punctuation and stretched letters ('Halooo!!' = 'halo'; 't3nun'
    stays apart from 'tenun').

    Not bot.nlu.normalize: that reads regional words as Indonesian ones, so "ora sido melu pelatihane" becomes the
    training phrase "tidak jadi ikut pelatihan" - which is what it should do, not a copied message.
    """
    return _RUNS.sub(r"\1", fold(text))


def test_hard_set_shares_no_message_with_the_training_phrases_or_the_easy_set() -> None:
    _, messages = evaluation.load(evaluation.HARD_SET)
    training = {surface(str(p)) for phrases in load("intents").values() for p in phrases}
    easy = {surface(m["text"]) for m in evaluation.load()[1]}
    overlap = [m["text"] for m in messages if surface(m["text"]) in training | easy]
    assert not overlap


@pytest.fixture(scope="module")
def hard() -> dict[str, evaluation.Score]:
    return {
        "tuned": evaluation.score(evaluation.HARD_SET, lambda c: not c.get("held_out")),
        "held_out": evaluation.score(evaluation.HARD_SET, lambda c: bool(c.get("held_out"))),
    }


@pytest.mark.parametrize("part", ["tuned", "held_out"])
def test_hard_set_intent_accuracy_at_least_95_percent(hard: dict[str, evaluation.Score], part: str) -> None:
    assert hard[part].intent_accuracy >= 0.95, "\n".join(hard[part].misses)


@pytest.mark.parametrize("part", ["tuned", "held_out"])
def test_hard_set_slot_accuracy_at_least_92_percent(hard: dict[str, evaluation.Score], part: str) -> None:
    assert hard[part].slot_accuracy >= 0.92, "\n".join(hard[part].misses)
