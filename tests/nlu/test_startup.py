"""Start-up: the saved model is found by the stamp of its input files, without reading every training phrase."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from bot.nlu.intents import IntentModel, fingerprint
from bot.nlu.understanding import MODEL_FILE, examples, inputs_stamp

logger = logging.getLogger(__name__)

SAVED = Path(__file__).parents[2] / "bot" / "nlu" / "data" / MODEL_FILE


def test_saved_model_carries_the_stamp_of_the_files_as_they_are() -> None:
    """Fails after any change of bot/nlu code or data until `python -m bot.nlu` saves the model again."""
    assert IntentModel.from_inputs(SAVED.read_bytes(), inputs_stamp()) is not None, "run python -m bot.nlu"


def test_the_quick_and_the_exact_check_load_the_same_model() -> None:
    raw = SAVED.read_bytes()
    quick, exact = IntentModel.from_inputs(raw, inputs_stamp()), IntentModel.from_bytes(raw, fingerprint(*examples()))
    assert quick is not None and exact is not None
    text = "ada pelatihan xkraf di xloc xdate"
    assert np.allclose(quick.probabilities(text), exact.probabilities(text))


def test_another_stamp_or_none_loads_nothing() -> None:
    raw = SAVED.read_bytes()
    assert IntentModel.from_inputs(raw, "0" * 64) is None
    assert IntentModel.from_inputs(raw, "") is None
