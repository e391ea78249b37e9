"""Loads the NLU's data files (bot/nlu/data/*.yaml) once per process."""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from typing import Any

import yaml

logger = logging.getLogger(__name__)

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load(name: str) -> Any:
    """The parsed content of ``bot/nlu/data/<name>.yaml``."""
    raw = resources.files("bot.nlu").joinpath("data").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.load(raw, Loader=_Loader)
