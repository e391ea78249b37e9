"""Long-form content (certification guides, market tips) per language, from locales/<lang>/content/."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

import yaml

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALES_DIR, current_language

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
    return guides_in(current_language())


def guides_in(language: str) -> dict[str, dict[str, Any]]:
    return _load(language, "certification")


def tips() -> dict[str, dict[str, Any]]:
    """Market tips in the current language, keyed by topic (online, pricing, ...)."""
    return _load(current_language(), "market_tips")


@cache
def guide_questions() -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(topic, question key, words) of every guide's common questions, the words of every language together:
    "kalo ga punya npwp gmn" and "what is an NPWP" are the same question whatever language the person speaks."""
    found: dict[tuple[str, str], set[str]] = {}
    for language in LANGUAGES:
        for topic, guide in guides_in(language).items():
            for key, question in (guide.get("questions") or {}).items():
                found.setdefault((topic, key), set()).update(w.casefold() for w in question.get("words") or ())
    return tuple((topic, key, frozenset(words)) for (topic, key), words in found.items())


BODIES_TOPIC = "bnsp"  # the guide that names certification bodies (LSPs) and the crafts each tests


@cache
def body_words() -> frozenset[str]:
    """The words that ask for a certification body ("LSP utk tenun ada gk?"), of every language together."""
    found: set[str] = set()
    for language in LANGUAGES:
        bodies = guides_in(language).get(BODIES_TOPIC, {}).get("bodies") or {}
        found.update(w.casefold() for w in bodies.get("words") or ())
    return frozenset(found)


def bodies() -> list[dict[str, Any]]:
    """The certification bodies Kriya knows, in the current language: name, crafts (codes), about."""
    return list((guides().get(BODIES_TOPIC, {}).get("bodies") or {}).get("known") or [])
