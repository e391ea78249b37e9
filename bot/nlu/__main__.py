"""`python -m bot.nlu`: retrains the intent model from data/intents.yaml into data/intent_model.npz."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.nlu.understanding import MODEL_FILE, inputs_stamp, train

logger = logging.getLogger(__name__)


def main() -> None:
    model, stamp = train()
    path = Path(__file__).with_name("data") / MODEL_FILE
    path.write_bytes(model.to_bytes(stamp, inputs_stamp()))
    print(f"{path}: {len(model.labels)} intents, fingerprint {stamp[:12]}, {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
