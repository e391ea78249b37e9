"""Scores bot.nlu.understand on a labelled set: tests/nlu/eval_set.yaml (ordinary messages) by default, or
tests/nlu/hard_set.yaml (issue 16: regional languages, corrections, typos...) with `--hard`; run it for the misses.

KRIYA_EVAL_SET=path scores another file of the same shape. The hard set is also scored by kind and by part (the
held-out third, never tuned against, and the rest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu import understand

logger = logging.getLogger(__name__)

EVAL_SET = Path(os.environ.get("KRIYA_EVAL_SET") or Path(__file__).with_name("eval_set.yaml"))
HARD_SET = Path(__file__).with_name("hard_set.yaml")
SLOTS = ("craft", "province", "regency", "topic", "number", "date_from", "date_to")
KINDS = {
    "reg": "regional languages", "cor": "corrections", "date": "months, years, ranges", "spell": "spellings",
    "ind": "indirect requests", "off": "off-topic", "work": "crafts named by the work",
}


def load(path: Path = EVAL_SET) -> tuple[dt.date, list[dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
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

    def line(self, name: str) -> str:
        return f"{name}: {self.messages} messages, intent {self.intent_accuracy:.3f}, slots {self.slot_accuracy:.3f}"


def score(path: Path = EVAL_SET, select: Callable[[dict[str, Any]], bool] = lambda case: True) -> Score:
    today, messages = load(path)
    result = Score()
    for case in messages:
        if not select(case):
            continue
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


def hard_report() -> list[str]:
    """The hard set's figures: whole, tuned part, held-out part, then by kind."""
    lines = [
        score(HARD_SET).line("hard set"),
        score(HARD_SET, lambda c: not c.get("held_out")).line("  tuned part"),
        score(HARD_SET, lambda c: bool(c.get("held_out"))).line("  held-out part"),
    ]
    lines += [score(HARD_SET, lambda c, k=kind: c["kind"] == k).line(f"  {name}") for kind, name in KINDS.items()]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hard", action="store_true", help="score tests/nlu/hard_set.yaml")
    parser.add_argument("--tuned", action="store_true", help="with --hard: list the misses of the tuned part only")
    args = parser.parse_args()
    if not args.hard:
        s = score()
        print("\n".join(s.misses))
        print(f"{s.messages} messages: intent accuracy {s.intent_accuracy:.3f}, "
              f"slot accuracy {s.slot_accuracy:.3f}")
        return
    if args.tuned:
        print("\n".join(score(HARD_SET, lambda c: not c.get("held_out")).misses))
    print("\n".join(hard_report()))


if __name__ == "__main__":
    main()
