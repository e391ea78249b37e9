"""Token buckets that pace sends: one per platform account and one per chat."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

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
# A send woken more than LATE_SLOTS slots (at least MIN_LATE seconds) after its reserved slot of a shared budget
# reserves a fresh one, at most LATE_RETRIES times.
LATE_SLOTS, MIN_LATE, LATE_RETRIES = 1.0, 0.02, 3


class SharedBudget(Protocol):
    """Budgets shared with the other processes sending for the same account (bot/outbox/budget.py)."""

    async def reserve(self, key: str, rate: float, burst: float = 1.0, urgent: bool = True) -> float | None: ...


def chat_key(account: str, chat: str) -> str:
    """A chat's shared budget on an account; the chat id itself is not stored (a hash of it)."""
    return f"{account}:{hashlib.sha256(chat.encode()).hexdigest()[:24]}"


@dataclass
class RateLimiter:
    """Waits until both the account's and the chat's budgets allow one more message. A chat waiting for its own
    budget waits alone (under its own lock, keeping its messages in order); only the account's budget is shared,
    so one busy chat never delays another. An `urgent` send (a reply to someone's message) takes the account's
    next slot before any waiting non-urgent one (reminders, broadcasts).

    With a `shared` budget (PostgreSQL), the account's and the chats' slots are also reserved there, so all the
    processes sending for `account` (e.g. `telegram:<bot id>`) together keep the platform's rate."""

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
    account: str = ""
    shared: SharedBudget | None = None

    def __post_init__(self) -> None:
        self._account = Bucket(self.per_second, 1.0)  # evenly spaced: never more than the limit in any second
        self._turn = asyncio.Condition(self._lock)

    async def acquire(self, chat: str, urgent: bool = True, defer: float | None = None) -> bool:
        """Wait until one more message to `chat` is allowed, and take it. With `defer`, a chat whose own budget
        is not free within that many seconds is not waited for: False, nothing taken (the caller sends later)."""
        if not self.per_chat_per_second:
            await self._take_account(urgent)
            return True
        if len(self._chats) > MAX_CHATS:
            self._forget_idle()
        async with self._chat_locks.setdefault(chat, asyncio.Lock()):
            bucket = self._chats.setdefault(chat, Bucket(self.per_chat_per_second, self.chat_burst))
            if defer is not None and bucket.wait_time(self.monotonic()) > defer:
                return False
            await self._until_free(bucket)  # only this chat waits: the shared lock is not held
            if self.shared is not None:
                wait = await self._reserve(chat_key(self.account, chat), self.per_chat_per_second, self.chat_burst,
                                           urgent=defer is None)
                if wait is None:  # other processes' messages to this chat fill its budget: later
                    return False
                await asyncio.sleep(wait)
            await self._take_account(urgent)
            bucket.wait_time(self.monotonic())  # counted at the moment of sending: still at least one token
            bucket.take()
            return True

    async def _take_account(self, urgent: bool) -> None:
        assert self._account is not None and self._turn is not None
        if urgent:
            self._urgent_waiting += 1
        try:
            for _ in range(LATE_RETRIES + 1):
                while True:
                    async with self._turn:
                        if not urgent:
                            await self._turn.wait_for(lambda: self._urgent_waiting == 0)  # replies first
                        await self._until_free(self._account)
                        asked = self.monotonic()
                        wait = await self._reserve(self.account, self.per_second, 1.0, urgent)
                        if wait is not None:
                            self._account.take()
                            break
                    await asyncio.sleep(1 / self.per_second)  # other processes' replies go first: ask again
                if wait:
                    await asyncio.sleep(wait)  # the slot reserved in the shared budget
                late = self.monotonic() - (asked + wait)
                if self.shared is None or late <= max(LATE_SLOTS / self.per_second, MIN_LATE):
                    break
                # Woken well after the slot (a loaded machine): sending now could crowd the later slots of
                # other processes, so this slot is given up and a fresh one reserved.
        finally:
            if urgent:
                self._urgent_waiting -= 1
                async with self._turn:
                    self._turn.notify_all()

    async def _reserve(self, key: str, rate: float, burst: float, urgent: bool) -> float | None:
        """Seconds until the slot reserved in the shared budget (0 without one), None when refused for now."""
        if self.shared is None:
            return 0.0
        try:
            return await self.shared.reserve(key, rate, burst, urgent)
        except Exception as error:  # the database is away for a moment: this process's own pacing still holds
            logger.warning("shared send budget %s unavailable (%s): paced in this process only",
                           key.split(":")[0], type(error).__name__)
            return 0.0

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
