"""Long-form content (certification guides, market tips) per language, from locales/<lang>/content/."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

import yaml

from bot.i18n import DEFAULT_LANGUAGE, LOCALES_DIR, current_language

logger = logging.getLogger(__name__)


@cache
def _load(language: str, name: str) -> dict[str, dict[str, Any]]:
    path = LOCALES_DIR / language / "content" / f"{name}.yaml"
    if not path.exists():
        return {} if language == DEFAULT_LANGUAGE else _load(DEFAULT_LANGUAGE, name)
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return dict(data)


def guides() -> dict[str, dict[str, Any]]:
    """Certification guides in the current language, keyed by topic (nib, bnsp, ...)."""
    return _load(current_language(), "certification")


def tips() -> dict[str, dict[str, Any]]:
    """Market tips in the current language, keyed by topic (online, pricing, ...)."""
    return _load(current_language(), "market_tips")
