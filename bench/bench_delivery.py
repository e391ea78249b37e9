"""Benchmark of proactive delivery and of the scheduler.

1. Delivered messages per second through the fake Telegram Bot API against the configured limit
   (KRIYA_TELEGRAM_RATE, 30/s by default), and the violations the fake counts (more than the limit in any
   one-second window, or more than one message a second to a chat).
2. The cost of one scheduler pass with 10,000 and 100,000 pending reminders (none due, then 500 due).
3. Claims (`--only claims`): N replies to one chat, claimed for immediate delivery and waiting in the per-chat
   rate limit longer than the outbox lease while the outbox loop runs: copies sent beyond one per row.
4. Late answers (`--only late`): the fake Telegram Bot API and Graph API answer `--late` seconds after they
   accepted a message: copies each person got while the outbox kept working for `--window` seconds.

Run: .venv/bin/python bench/bench_delivery.py [--messages N] [--only delivery,scheduler,claims,late]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import logging
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, update

from bot.app import open_app
from bot.config import Settings
from bot.scheduler import Scheduler
from bot.services.registrations import Registrations
from db.models import Artisan, ChannelIdentity, Registration, Reminder, Training
from db.seed import seed_demo
from tests.telegram.fake_bot_api import FakeBotApi
from tests.worker.helpers import broadcast_now, telegram_people

if TYPE_CHECKING:
    from bot.app import App
    from bot.delivery import Outgoing

TOKEN = "789:BENCH"


def violations(stamps: list[float], limit: float) -> int:
    """Messages beyond `limit` in any one-second window."""
    stamps = sorted(stamps)
    worst, start = 0, 0
    for end, moment in enumerate(stamps):
        while moment - stamps[start] >= 1.0:
            start += 1
        worst = max(worst, end - start + 1)
    return max(0, worst - int(limit))


async def delivery(folder: str, messages: int, rate: float) -> None:
    fake = await FakeBotApi(TOKEN).start()
    url = f"sqlite+aiosqlite:///{folder}/delivery.db"
    settings = Settings(database_url=url, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                        telegram_rate=rate, quiet_hours=None)
    try:
        async with open_app(settings, migrate=True, with_channels=True) as app:
            async with app.sessionmaker() as session, session.begin():
                chats = await telegram_people(session, messages, app.clock())
                await broadcast_now(session, "Info pameran kerajinan", app.clock())
            fake.known_chats.update(chats)
            started = time.perf_counter()
            while await app.outbox.run_once():
                pass
            elapsed = time.perf_counter() - started
        stamps = [c.at for c in fake.calls_to("sendMessage", ok=True)]
        per_chat = {}
        for call in fake.calls_to("sendMessage", ok=True):
            per_chat[call.params["chat_id"]] = per_chat.get(call.params["chat_id"], 0) + 1
        steady = (len(stamps) - 1) / (max(stamps) - min(stamps))
        print(f"telegram   delivered {len(stamps)} in {elapsed:.1f} s: {steady:.1f}/s steady against a limit of "
              f"{rate:.0f}/s ({steady / rate:.1%}); violations counted by the fake: "
              f"{violations(stamps, rate)} over the account limit, "
              f"{sum(1 for n in per_chat.values() if n > 1)} chats with more than one message")
    finally:
        await fake.stop()


async def whatsapp_delivery(folder: str, messages: int, rate: float) -> None:
    """A broadcast to people who wrote on WhatsApp within the day (free-form messages), at `rate`."""
    from tests.whatsapp.fake_graph import FakeGraph, serve

    fake = FakeGraph(token="t", phone_number_id="100")
    async with serve(fake.app()) as graph_url:
        settings = whatsapp_settings(f"{folder}/whatsapp.db", graph_url, whatsapp_rate=rate)
        async with open_app(settings, migrate=True, with_channels=True) as app:
            await whatsapp_broadcast(app, messages)
            started = time.perf_counter()
            while await app.outbox.run_once():
                pass
            elapsed = time.perf_counter() - started
    stamps = [s.at for s in fake.sent]
    steady = (len(stamps) - 1) / (max(stamps) - min(stamps))
    print(f"whatsapp   delivered {len(stamps)} in {elapsed:.1f} s: {steady:.1f}/s steady against a limit of "
          f"{rate:.0f}/s ({steady / rate:.1%}); violations: {violations(stamps, rate)} over the rate limit, "
          f"{len(fake.violations)} messages breaking the API's limits")


def whatsapp_settings(database: str, graph_url: str, **extra: float) -> Settings:
    """Kriya on WhatsApp against the fake Graph API at `graph_url`, with its SQLite database at `database`."""
    from tests.whatsapp.fake_graph import VERSION

    return Settings(database_url=f"sqlite+aiosqlite:///{database}", whatsapp_token="t",
                    whatsapp_phone_number_id="100", whatsapp_app_secret="s", whatsapp_verify_token="v",
                    whatsapp_api_base_url=f"{graph_url}/{VERSION}", quiet_hours=None, **extra)


async def whatsapp_broadcast(app: App, people: int) -> None:
    """`people` who wrote on WhatsApp within the day (so free-form messages reach them), and a broadcast to all."""
    from bot.services.announcements import Audience, schedule_broadcast
    from bot.services.reminders import Policy

    now = app.clock()
    async with app.sessionmaker() as session, session.begin():
        persons = [Artisan(display_name=f"p{i}", crafts=[], created_at=now, updated_at=now) for i in range(people)]
        session.add_all(persons)
        await session.flush()
        session.add_all(ChannelIdentity(artisan_id=p.id, channel="whatsapp", external_id=f"62812{i:07d}",
                                        last_inbound_at=now, created_at=now) for i, p in enumerate(persons))
        await session.flush()
        await schedule_broadcast(session, "Info pameran kerajinan", Audience(), now, now, Policy(quiet_hours=None))


async def scheduler_pass(folder: str, pending: int) -> None:
    url = f"sqlite+aiosqlite:///{folder}/sched-{pending}.db"
    async with open_app(Settings(database_url=url, quiet_hours=None), migrate=True) as app:
        now = app.clock()
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session, now)
            await session.execute(update(Training).values(announced_at=now))
            person = Artisan(display_name="bench", crafts=[], created_at=now, updated_at=now)
            session.add(person)
            await session.flush()
            session.add(ChannelIdentity(artisan_id=person.id, channel="console", external_id="bench", created_at=now))
            training = (await session.execute(Training.__table__.select().limit(1))).first()
            registration = await Registrations(session, now, app.settings.policy).register(person.id, training.id)
            base = datetime.now(UTC) + timedelta(days=30)
            rows = [{"key": f"bench:{i}", "artisan_id": person.id, "training_id": training.id,
                     "registration_id": registration.id, "kind": "before_start", "offset_seconds": 7200,
                     "due_at": base + timedelta(seconds=i), "status": "pending", "created_at": now}
                    for i in range(pending)]
            for start in range(0, pending, 10_000):
                await session.execute(insert(Reminder), rows[start : start + 10_000])
        scheduler = Scheduler(app.sessionmaker, app.clock, app.dispatcher.policy, 30)
        await scheduler.run_pass()
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            await scheduler.run_pass()
            timings.append(time.perf_counter() - started)
        idle = sorted(timings)[2] * 1000
        async with app.sessionmaker() as session, session.begin():  # 500 of them become due now
            await session.execute(update(Reminder).where(Reminder.key.in_([f"bench:{i}" for i in range(500)]))
                                  .values(due_at=now - timedelta(seconds=1), offset_seconds=10**6))
            await session.execute(update(Registration).values(status="registered"))
        started = time.perf_counter()
        counts = await scheduler.run_pass()
        busy = (time.perf_counter() - started) * 1000
        print(f"scheduler  {pending:>7,} pending: one pass {idle:7.1f} ms with none due; {busy:7.1f} ms turning "
              f"500 due into outbox rows ({counts})")


def utc_now() -> datetime:
    return datetime.now(UTC)


async def claimed_replies(app: App, chat: int, count: int) -> list[Outgoing]:
    """`count` reply rows to one chat, claimed for immediate delivery as the dispatcher writes them."""
    from bot.delivery import Outgoing
    from bot.outbox import enqueue_reply

    items = []
    async with app.sessionmaker() as session, session.begin():
        for number in range(count):
            body = {"text": f"balasan {number}", "buttons": []}
            row_id, token = await enqueue_reply(session, artisan_id=None, channel="telegram", external_id=str(chat),
                                                body=body, dedupe_key=f"bench-reply:{number}", now=app.clock())
            items.append(Outgoing(row_id, "telegram", str(chat), body, claim_token=token))
    return items


async def claims(folder: str, messages: int, chat_rate: float, lease: float) -> None:
    """Replies waiting in the per-chat limit longer than the lease, with the outbox loop running alongside."""
    from bot.worker import outbox_loop

    fake = await FakeBotApi(TOKEN).start()
    settings = Settings(database_url=f"sqlite+aiosqlite:///{folder}/claims.db", telegram_bot_token=TOKEN,
                        telegram_api_base_url=fake.base_url, telegram_chat_rate=chat_rate, outbox_lease=lease,
                        quiet_hours=None)
    try:
        async with open_app(settings, clock=utc_now, migrate=True, with_channels=True) as app:
            async with app.sessionmaker() as session, session.begin():
                [chat] = await telegram_people(session, 1, app.clock())
            fake.known_chats.add(chat)
            items = await claimed_replies(app, chat, messages)
            stop = asyncio.Event()
            loop = asyncio.create_task(outbox_loop(app, stop))
            started = time.perf_counter()
            await app.outbox.deliver(items)  # the per-person chain of the channel
            await asyncio.sleep(2 * lease)  # the outbox loop may still take over a row it thinks abandoned
            stop.set()
            await loop
            elapsed = time.perf_counter() - started
        texts = [c.params["text"] for c in fake.calls_to("sendMessage", ok=True)]
        print(f"claims     {messages} replies to one chat at {chat_rate:g}/s, lease {lease:g} s: {len(texts)} sent, "
              f"{len(texts) - len(set(texts))} duplicates, {messages - len(set(texts))} missing ({elapsed:.0f} s)")
    finally:
        await fake.stop()


async def late_telegram(folder: str, people: int, late: float, window: float) -> None:
    from bot.worker import outbox_loop

    fake = await FakeBotApi(TOKEN).start()
    fake.answer_delay = late
    settings = Settings(database_url=f"sqlite+aiosqlite:///{folder}/late-tg.db", telegram_bot_token=TOKEN,
                        telegram_api_base_url=fake.base_url, quiet_hours=None)
    try:
        async with open_app(settings, clock=utc_now, migrate=True, with_channels=True) as app:
            async with app.sessionmaker() as session, session.begin():
                chats = await telegram_people(session, people, app.clock())
                await broadcast_now(session, "Info pameran kerajinan", app.clock())
            fake.known_chats.update(chats)
            await run_for(app, outbox_loop, window)
        per_chat = collections.Counter(int(c.params["chat_id"]) for c in fake.calls_to("sendMessage", ok=True))
        report("telegram", people, late, window, per_chat.values())
    finally:
        await fake.stop()


async def late_whatsapp(folder: str, people: int, late: float, window: float) -> None:
    from bot.worker import outbox_loop
    from tests.whatsapp.fake_graph import FakeGraph, serve

    fake = FakeGraph(token="t", phone_number_id="100", answer_delay=late)
    async with serve(fake.app()) as graph_url:
        settings = whatsapp_settings(f"{folder}/late-wa.db", graph_url)
        async with open_app(settings, clock=utc_now, migrate=True, with_channels=True) as app:
            await whatsapp_broadcast(app, people)
            await run_for(app, outbox_loop, window)
    report("whatsapp", people, late, window, collections.Counter(s.to for s in fake.sent).values())


async def run_for(app: App, loop: Callable[[App, asyncio.Event], Awaitable[None]], window: float) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(loop(app, stop))
    await asyncio.sleep(window)
    stop.set()
    await task


def report(channel: str, people: int, late: float, window: float, copies: Iterable[int]) -> None:
    counts = list(copies)
    extra = sum(n - 1 for n in counts if n > 1)
    print(f"late       {channel}: answers {late:g} s late, {window:g} s of sending: {len(counts)}/{people} people "
          f"reached, {sum(1 for n in counts if n > 1)} got more than one copy ({extra} duplicates, "
          f"at most {max(counts, default=0)} copies)")


async def main(args: argparse.Namespace) -> None:
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as folder:
        if "delivery" in only:
            await delivery(folder, args.messages, args.rate)
            await whatsapp_delivery(folder, args.messages * 2, 60.0)
        if "scheduler" in only:
            for pending in (10_000, 100_000):
                await scheduler_pass(folder, pending)
        if "claims" in only:
            await claims(folder, args.claim_messages, args.chat_rate, args.lease)
        if "late" in only:
            await asyncio.gather(late_telegram(folder, 10, args.late, args.window),
                                 late_whatsapp(folder, 10, args.late + 10, args.window))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--only", default="delivery,scheduler")
    parser.add_argument("--claim-messages", type=int, default=140)
    parser.add_argument("--chat-rate", type=float, default=1.0)
    parser.add_argument("--lease", type=float, default=20.0)
    parser.add_argument("--late", type=float, default=8.0, help="Telegram answers this late; WhatsApp 10 s later")
    parser.add_argument("--window", type=float, default=60.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(args))
