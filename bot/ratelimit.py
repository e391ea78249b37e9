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


MAX_CHATS = 10000  # chat buckets kept before the idle ones are forgotten


@dataclass
class RateLimiter:
    """Waits until both the account's and the chat's budgets allow one more message. A chat waiting for its own
    budget waits alone (under its own lock, keeping its messages in order); only the account's budget is shared,
    so one busy chat never delays another. An `urgent` send (a reply to someone's message) takes the account's
    next slot before any waiting non-urgent one (reminders, broadcasts)."""

    per_second: float
    per_chat_per_second: float | None = None
    chat_burst: float = 3.0
    monotonic: Callable[[], float] = time.monotonic
    _account: Bucket | None = None
    _chats: dict[str, Bucket] = field(default_factory=dict)
    _chat_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _turn: asyncio.Condition | None = None
    _urgent_waiting: int = 0

    def __post_init__(self) -> None:
        self._account = Bucket(self.per_second, 1.0)  # evenly spaced: never more than the limit in any second
        self._turn = asyncio.Condition(self._lock)

    async def acquire(self, chat: str, urgent: bool = True) -> None:
        if not self.per_chat_per_second:
            await self._take_account(urgent)
            return
        if len(self._chats) > MAX_CHATS:
            self._forget_idle()
        async with self._chat_locks.setdefault(chat, asyncio.Lock()):
            bucket = self._chats.setdefault(chat, Bucket(self.per_chat_per_second, self.chat_burst))
            await self._until_free(bucket)  # only this chat waits: the shared lock is not held
            await self._take_account(urgent)
            bucket.wait_time(self.monotonic())  # counted at the moment of sending: still at least one token
            bucket.take()

    async def _take_account(self, urgent: bool) -> None:
        assert self._account is not None and self._turn is not None
        if urgent:
            self._urgent_waiting += 1
        try:
            async with self._turn:
                if not urgent:
                    await self._turn.wait_for(lambda: self._urgent_waiting == 0)  # replies first
                await self._until_free(self._account)
                self._account.take()
        finally:
            if urgent:
                self._urgent_waiting -= 1
                async with self._turn:
                    self._turn.notify_all()

    async def _until_free(self, bucket: Bucket) -> None:
        while True:
            wait = bucket.wait_time(self.monotonic())
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    def _forget_idle(self) -> None:
        """Drop the buckets of chats nobody is sending to (a full bucket again is what a new chat gets)."""
        for chat in [c for c, lock in self._chat_locks.items() if not lock.locked()]:
            self._chat_locks.pop(chat, None)
            self._chats.pop(chat, None)
