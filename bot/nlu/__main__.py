"""`python -m bot.nlu`: retrains the intent model from data/intents.yaml into data/intent_model.npz (left as it
is when it is trained from the same examples already), and stamps it (bot/nlu/model_stamp.py)."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.nlu import model_stamp
from bot.nlu.intents import IntentModel, fingerprint
from bot.nlu.understanding import MODEL_FILE, examples

logger = logging.getLogger(__name__)


def main() -> None:
    texts, labels = examples()
    stamp = fingerprint(texts, labels)
    path = Path(__file__).with_name("data") / MODEL_FILE
    model = IntentModel.from_bytes(path.read_bytes(), stamp) if path.is_file() else None
    if model is None:
        model = IntentModel.train(texts, labels)
        path.write_bytes(model.to_bytes(stamp))
        print(f"{path}: {len(model.labels)} intents, fingerprint {stamp[:12]}, {path.stat().st_size // 1024} KiB")
    else:
        print(f"{path}: up to date (fingerprint {stamp[:12]})")
    print(f"{model_stamp.write(stamp)}: stamped")


if __name__ == "__main__":
    main()
