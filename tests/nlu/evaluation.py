"""Scores bot.nlu.understand on the labelled evaluation set (tests/nlu/eval_set.yaml); run it for the misses.

KRIYA_EVAL_SET=path scores another file of the same shape.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu import understand

logger = logging.getLogger(__name__)

EVAL_SET = Path(os.environ.get("KRIYA_EVAL_SET") or Path(__file__).with_name("eval_set.yaml"))
SLOTS = ("craft", "province", "regency", "topic", "number", "date_from", "date_to")


def load() -> tuple[dt.date, list[dict[str, Any]]]:
    data = yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))
    return data["today"], data["messages"]


@dataclass
class Score:
    messages: int = 0
    intents_right: int = 0
    slots_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intents_right / self.messages

    @property
    def slot_accuracy(self) -> float:
        return self.slots_right / (self.messages * len(SLOTS))


def score() -> Score:
    today, messages = load()
    result = Score()
    for case in messages:
        got = understand(case["text"], today=today).as_dict()
        result.messages += 1
        wrong = []
        if got["intent"] == case["intent"]:
            result.intents_right += 1
        else:
            wrong.append(f"intent {got['intent']} ({got['confidence']}) != {case['intent']}")
        for slot in SLOTS:
            expected = case.get(slot)
            if isinstance(expected, dt.date):
                expected = expected.isoformat()
            if got[slot] == expected:
                result.slots_right += 1
            else:
                wrong.append(f"{slot} {got[slot]!r} != {expected!r}")
        if wrong:
            result.misses.append(f"{case['text']!r}: " + "; ".join(wrong))
    return result


if __name__ == "__main__":
    s = score()
    print("\n".join(s.misses))
    print(f"{s.messages} messages: intent accuracy {s.intent_accuracy:.3f}, "
          f"slot accuracy {s.slot_accuracy:.3f}")
