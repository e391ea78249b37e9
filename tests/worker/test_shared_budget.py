"""One sending budget across processes: two outbox senders on one PostgreSQL database keep the account's rate
together, deliver each row once, and a reply in one process goes before another's broadcast traffic."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Sequence

from sqlalchemy import func, select

from bot.app import App, open_app
from bot.config import Settings
from bot.outbox.budget import HORIZON, PostgresBudget
from db.models import OutboxMessage
from db.session import create_engine
from tests.telegram.fake_bot_api import FakeBotApi
from tests.worker.helpers import broadcast_now, telegram_people

TOKEN = "4242:SHARED"
RATE = 10.0  # messages per second for the bot: low enough that two senders each alone would exceed it together
PEOPLE = 40
SLOW = 2.0  # the rate of the priority test: slots far enough apart for a loaded machine's delays


def busiest_second(stamps: Sequence[float]) -> int:
    """The most sends in any one-second window."""
    ordered, worst, start = sorted(stamps), 0, 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= 1.0:
            start += 1
        worst = max(worst, end - start + 1)
    return worst


async def drain(app: App) -> int:
    """Run this sender's outbox until it finds nothing due; the rows it handled."""
    handled = 0
    while found := await app.outbox.run_once(limit=10):
        handled += found
    return handled


async def two_senders(database_url: str, shared: bool) -> tuple[FakeBotApi, list[int], list[str]]:
    """A broadcast to PEOPLE sent by two senders at once; the fake, the rows each handled, the rows' statuses."""
    fake = await FakeBotApi(TOKEN).start()
    settings = Settings(database_url=database_url, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                        telegram_rate=RATE, quiet_hours=None)
    try:
        async with open_app(settings, migrate=False, with_channels=True) as one, \
                open_app(settings, migrate=False, with_channels=True) as two:
            assert one.engine is not two.engine  # two pools, as two processes have
            if not shared:
                for app in (one, two):
                    app.outbox.limiters["telegram"].shared = None
            async with one.sessionmaker() as session, session.begin():
                fake.known_chats.update(await telegram_people(session, PEOPLE, one.clock()))
                await broadcast_now(session, "Info pameran kerajinan", one.clock())
            handled = list(await asyncio.gather(drain(one), drain(two)))
            async with one.sessionmaker() as session:
                statuses = list((await session.scalars(select(OutboxMessage.status))).all())
    finally:
        await fake.stop()
    return fake, handled, statuses


async def test_two_senders_keep_one_budget_and_send_each_row_once(database_url: str) -> None:
    if database_url.startswith("sqlite"):  # one process: nothing shared, nothing changed
        async with open_app(Settings(database_url=database_url, telegram_bot_token=TOKEN), migrate=False,
                            with_channels=True) as app:
            assert app.outbox.limiters["telegram"].shared is None
        return
    fake, handled, statuses = await two_senders(database_url, shared=True)
    sends = fake.calls_to("sendMessage", ok=True)
    per_chat = collections.Counter(call.params["chat_id"] for call in sends)
    assert len(per_chat) == PEOPLE and set(per_chat.values()) == {1}  # each person once: no duplicates
    assert statuses.count("sent") == PEOPLE == len(statuses)  # nothing left behind
    assert all(count > 0 for count in handled) and sum(handled) == PEOPLE  # both senders worked
    assert not fake.calls_to("sendMessage", ok=False)
    assert busiest_second([call.at for call in sends]) <= RATE + 1  # (+1: a slot on the window's far edge)


async def test_without_the_shared_budget_two_senders_would_exceed_it(database_url: str) -> None:
    """The control of the test above: each sender pacing itself alone sends about twice the rate together."""
    if database_url.startswith("sqlite"):
        return
    fake, handled, _ = await two_senders(database_url, shared=False)
    assert all(count > 0 for count in handled)
    assert busiest_second([call.at for call in fake.calls_to("sendMessage", ok=True)]) > RATE + 2


async def test_a_reply_in_one_process_goes_before_broadcasts_of_another(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        return
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        broadcaster, replier = PostgresBudget(engines[0]), PostgresBudget(engines[1])
        key, period = "telegram:4242", 1 / SLOW
        granted = []
        while (wait := await broadcaster.reserve(key, SLOW, urgent=False)) is not None:
            granted.append(wait)
            assert len(granted) < 10, "a proactive message reserved slots far ahead"
        assert granted and max(granted) <= HORIZON + period  # never more than the horizon queued ahead
        reply_wait = await replier.reserve(key, SLOW, urgent=True)
        assert reply_wait is not None and reply_wait <= HORIZON + 2 * period  # behind at most the horizon
        assert await broadcaster.reserve(key, SLOW, urgent=False) is None  # the reply's slot is not taken
        await asyncio.sleep(reply_wait + period)
        assert await broadcaster.reserve(key, SLOW, urgent=False) is not None  # and then broadcasts go on
        async with engines[0].connect() as connection:
            from db.models import SendBudget

            assert await connection.scalar(select(func.count()).select_from(SendBudget)) == 1
    finally:
        for engine in engines:
            await engine.dispose()
