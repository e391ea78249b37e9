"""Token buckets that pace sends: one per platform account and one per chat."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Bucket:
    """`rate` tokens per second, at most `burst` saved up."""

    rate: float
    burst: float
    tokens: float = 0.0
    stamp: float | None = None  # None: never used, starts full

    def wait_time(self, now: float) -> float:
        if self.stamp is None:
            self.tokens, self.stamp = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1 - 1e-9:  # (float rounding must not leave a sender waiting forever)
            return 0.0
        return max((1 - self.tokens) / self.rate, 1e-4)

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class RateLimiter:
    """Waits until both the account's and the chat's budgets allow one more message."""

    per_second: float
    per_chat_per_second: float | None = None
    chat_burst: float = 3.0
    monotonic: Callable[[], float] = time.monotonic
    _account: Bucket | None = None
    _chats: dict[str, Bucket] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self._account = Bucket(self.per_second, 1.0)  # evenly spaced: never more than the limit in any second

    async def acquire(self, chat: str) -> None:
        async with self._lock:
            while True:
                now = self.monotonic()
                assert self._account is not None
                wait = self._account.wait_time(now)
                chat_bucket = None
                if self.per_chat_per_second:
                    chat_bucket = self._chats.setdefault(chat, Bucket(self.per_chat_per_second, self.chat_burst))
                    wait = max(wait, chat_bucket.wait_time(now))
                if wait <= 0:
                    self._account.take()
                    if chat_bucket:
                        chat_bucket.take()
                    if len(self._chats) > 10000:
                        self._chats.clear()
                    return
                await asyncio.sleep(wait)
