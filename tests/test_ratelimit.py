"""The send budget: a chat waiting for its own budget never delays another chat; the account's budget holds."""

from __future__ import annotations

import asyncio
import time

from bot.ratelimit import RateLimiter


async def test_a_chat_at_its_limit_does_not_delay_a_fresh_chat() -> None:
    limiter = RateLimiter(per_second=100, per_chat_per_second=2, chat_burst=1)
    await limiter.acquire("busy")  # the busy chat's budget is spent: its next message waits 0.5 s
    waiting = asyncio.create_task(limiter.acquire("busy"))
    await asyncio.sleep(0.01)
    started = time.monotonic()
    await limiter.acquire("fresh")
    fresh_waited = time.monotonic() - started
    await waiting
    busy_waited = time.monotonic() - started
    assert fresh_waited < 0.1  # was ~0.5 s behind the busy chat when the wait held the shared lock
    assert busy_waited >= 0.4  # the busy chat itself still waits for its budget


async def test_the_account_budget_spaces_every_chat() -> None:
    limiter = RateLimiter(per_second=20)
    started = time.monotonic()
    await asyncio.gather(*(limiter.acquire(f"chat-{i}") for i in range(11)))
    assert time.monotonic() - started >= 0.45  # 11 sends at 20/s: the first at once, ten 50 ms apart


async def test_one_chats_messages_keep_their_order() -> None:
    limiter = RateLimiter(per_second=1000, per_chat_per_second=50, chat_burst=1)
    done: list[int] = []

    async def send(n: int) -> None:
        await limiter.acquire("one")
        done.append(n)

    await asyncio.gather(*(send(n) for n in range(6)))
    assert done == list(range(6))


async def test_a_reply_goes_before_waiting_broadcast_sends() -> None:
    limiter = RateLimiter(per_second=20)  # one send every 50 ms
    done: list[str] = []

    async def send(name: str, urgent: bool) -> None:
        await limiter.acquire(name, urgent=urgent)
        done.append(name)

    broadcasts = [asyncio.create_task(send(f"broadcast-{i}", urgent=False)) for i in range(10)]
    await asyncio.sleep(0.06)  # two broadcast sends are out, eight wait for the account's budget
    await send("reply", urgent=True)
    await asyncio.gather(*broadcasts)
    assert done.index("reply") <= 3  # not behind the eight waiting broadcast sends
    assert len(done) == 11  # and the broadcast still goes out in full


async def test_a_send_woken_long_after_its_shared_slot_takes_a_fresh_one() -> None:
    """A loaded machine woke the sender a second after its slot in the shared budget: sending then could crowd
    the slots other processes hold, so the slot is given up and the next one reserved (then it is in time)."""
    now = [0.0]
    asked: list[tuple[str, bool]] = []

    class Shared:
        async def reserve(self, key: str, rate: float, burst: float = 1.0, urgent: bool = True) -> float | None:
            asked.append((key, urgent))
            if len(asked) == 1:
                now[0] += 1.0  # the process was starved right after the first answer
            return 0.0

    limiter = RateLimiter(per_second=30, account="telegram:1", shared=Shared(), monotonic=lambda: now[0])
    assert await limiter.acquire("chat")
    assert asked == [("telegram:1", True), ("telegram:1", True)]
