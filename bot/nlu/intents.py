"""Intent classification: rules for the unambiguous, a TF-IDF n-gram softmax regression for the rest."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import logging
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

logger = logging.getLogger(__name__)

INTENTS = (
    "greeting", "help", "training_search", "training_detail", "register", "cancel_registration",
    "my_registrations", "certification", "market_tips", "subscribe", "unsubscribe", "profile", "delete_data",
    "language", "human", "thanks", "unknown",
)
PLACEHOLDERS = frozenset({"xdate", "xnum", "xkraf", "xloc", "xkode", "xnegara", "xsertifikasi", "xpasar"})

FEATURES_VERSION = 1  # bump when _features() changes: it invalidates the saved model
SETTINGS = {"l2": 1e-5, "steps": 50, "rate": 0.25}

_STOP = {"stop", "berhenti", "unsubscribe", "unsub", "unreg", "setop", "stopp"}
_START = {"mulai"}
_POLITE = {"aja", "saja", "dong", "please", "admin", "kak", "ya", "deh", "sekarang", "sudah", "tolong", "pls"}
_PICK_WORDS = {"info", "detail", "detil", "kode", "pelatihan", "training", "lihat", "cek", "tentang", "about"}


def rule(tokens: Sequence[str], fillers: set[str]) -> tuple[str, float] | None:
    """The intent of messages that need no model: STOP, MULAI, a bare list number, a bare training code."""
    words = [t for t in tokens if t not in _POLITE]
    if not tokens:
        return "unknown", 0.0
    if len(words) == 1 and words[0] in _STOP:
        return "unsubscribe", 0.99
    if len(words) == 1 and words[0] in _START:
        return "subscribe", 0.99
    if "xnum" in tokens and set(tokens) <= fillers:
        return "training_detail", 0.95
    if "xkode" in tokens and set(tokens) <= _PICK_WORDS | _POLITE | {"xkode", "yang", "nomor"}:
        return "training_detail", 0.95
    return None


def fingerprint(texts: Sequence[str], labels: Sequence[str]) -> str:
    """What a model is trained from: examples as the model sees them, features version and settings."""
    payload = json.dumps([FEATURES_VERSION, SETTINGS, list(texts), list(labels)], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _features(text: str) -> Counter[str]:
    """Word unigrams and bigrams, and character 2- to 5-grams inside each word (placeholders: words only)."""
    words = text.split()
    feats = [f"w {w}" for w in words]
    feats += [f"b {a} {b}" for a, b in itertools.pairwise(words)]
    for w in words:
        if w not in PLACEHOLDERS:
            padded = f" {w} "
            feats += [padded[i : i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)]
    return Counter(feats)


class IntentModel:
    """Multinomial logistic regression over sublinear TF-IDF features, L2-normalised; trained in-process."""

    def __init__(self, index: dict[str, int], idf: np.ndarray, weights: np.ndarray, bias: np.ndarray,
                 labels: Sequence[str]) -> None:
        self._index = index
        self._idf = idf
        self._weights = weights
        self._bias = bias
        self.labels = tuple(labels)

    def _vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        pairs = [(self._index[f], 1.0 + math.log(c)) for f, c in _features(text).items() if f in self._index]
        if not pairs:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        cols = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
        vals = np.fromiter((p[1] for p in pairs), dtype=np.float32, count=len(pairs)) * self._idf[cols]
        return cols, vals / np.float32(np.linalg.norm(vals))

    def probabilities(self, text: str) -> np.ndarray:
        cols, vals = self._vector(text)
        z = vals @ self._weights[cols] + self._bias
        z = np.exp(z - z.max())
        return z / z.sum()

    def predict(self, text: str) -> tuple[str, float]:
        p = self.probabilities(text)
        best = int(p.argmax())
        return self.labels[best], float(p[best])

    def to_bytes(self, fingerprint: str, inputs: str = "") -> bytes:
        """The model as a compressed .npz, stamped with the fingerprint of what it was trained from and, when
        given, the stamp of the files that made those examples (a quick check at start-up)."""
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer, fingerprint=np.array(fingerprint), inputs=np.array(inputs),
            labels=np.array("\n".join(self.labels)),
            features=np.frombuffer("\n".join(self._index).encode(), dtype=np.uint8),
            idf=self._idf, weights=self._weights, bias=self._bias,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, raw: bytes, fingerprint: str) -> IntentModel | None:
        """The saved model, or None when it was trained from something else than `fingerprint`."""
        return cls._load(raw, "fingerprint", fingerprint)

    @classmethod
    def from_inputs(cls, raw: bytes, inputs: str) -> IntentModel | None:
        """The saved model, or None unless it was saved with this stamp of its input files."""
        return cls._load(raw, "inputs", inputs) if inputs else None

    @classmethod
    def _load(cls, raw: bytes, key: str, expected: str) -> IntentModel | None:
        with np.load(io.BytesIO(raw), allow_pickle=False) as saved:
            if key not in saved.files or str(saved[key]) != expected:
                return None
            features = saved["features"].tobytes().decode().split("\n")
            return cls({f: i for i, f in enumerate(features)}, saved["idf"], saved["weights"], saved["bias"],
                       str(saved["labels"]).split("\n"))

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str]) -> IntentModel:
        """Fits the model with full-batch Adam (SETTINGS); deterministic for the same examples."""
        from scipy import sparse  # only when training: a saved model needs numpy alone

        l2, steps, rate = SETTINGS["l2"], int(SETTINGS["steps"]), SETTINGS["rate"]
        counted = [_features(t) for t in texts]
        df: Counter[str] = Counter(f for feats in counted for f in feats)
        kept = sorted(df)
        index = {f: i for i, f in enumerate(kept)}
        n = len(texts)
        counts = np.array([df[f] for f in kept], dtype=np.float64)
        idf = (np.log((1 + n) / (1 + counts)) + 1.0).astype(np.float32)
        rows, cols, vals = [], [], []
        for r, feats in enumerate(counted):
            pairs = [(index[f], k) for f, k in feats.items() if f in index]
            c = np.array([p[0] for p in pairs], dtype=np.int64)
            v = np.array([1.0 + math.log(p[1]) for p in pairs], dtype=np.float32) * idf[c]
            rows.append(np.full(len(c), r))
            cols.append(c)
            vals.append(v / np.linalg.norm(v))
        x = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                              shape=(n, len(index)))
        xt = x.T.tocsr()
        classes = sorted(set(labels), key=INTENTS.index)
        y = np.zeros((n, len(classes)), dtype=np.float32)
        y[np.arange(n), [classes.index(label) for label in labels]] = 1.0
        w = np.zeros((len(index), len(classes)), dtype=np.float32)
        b = np.zeros(len(classes), dtype=np.float32)
        params = (w, b)
        moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
        beta1, beta2 = 0.9, 0.999
        for step in range(1, steps + 1):
            z = x @ w + b
            z = np.exp(z - z.max(axis=1, keepdims=True))
            g = (z / z.sum(axis=1, keepdims=True) - y) / n
            grads = (xt @ g + l2 * w, g.sum(axis=0))
            for p, grad, (m, v) in zip(params, grads, moments, strict=True):
                m *= beta1
                m += (1 - beta1) * grad
                v *= beta2
                v += (1 - beta2) * grad * grad
                p -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
        logger.info("intent model: %d examples, %d features, %d classes", n, len(index), len(classes))
        return cls(index, idf, w, b, classes)
