"""Benchmark of one sending budget across processes (PostgreSQL).

Starts `--processes` real `kriya worker` processes on one PostgreSQL database (its own, dropped and made again)
against a fake Telegram Bot API and a fake WhatsApp Cloud API in this process that ENFORCE the platforms'
limits and refuse what goes beyond them, as the platforms do:
- Telegram: about 30 messages/s per bot and 1 message/s per chat sustained, with short bursts (core.telegram.org
  /bots/faq: "not more than 30 messages per second or so", "avoid sending more than one message per second" in
  a chat, "short bursts that go over this limit"): at most 30 in any one second, and per chat 1/s with bursts
  of 3 (0.2 s of jitter forgiven); beyond them 429 "Too Many Requests: retry after 1".
- WhatsApp: 80 messages/s per business number (developers.facebook.com .../whatsapp/throughput): at most 80 in
  any one second, error 130429 beyond; the pair rate, 1 message every 6 s to one person after a burst of 45
  (error 131056).
Queued: a broadcast to `--people` people on each platform, plus 4 more messages to each of 20 Telegram chats
(the chats' budgets shared across processes too). Printed: messages/s per platform against the limit, the sends
each fake refused (violations), messages delivered beyond one per row (duplicates) and rows not sent at the end
(left behind), with the machine's load.

Run: .venv/bin/python bench/bench_budget.py [--processes 3] [--people 300] [--tree PATH]
(`--tree /path/to/an/older/checkout` runs the workers of that code: the figures before the shared budget).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, text
from starlette.requests import Request
from starlette.responses import JSONResponse

from bot.services.announcements import Audience, schedule_broadcast
from bot.services.reminders import Policy
from db.models import Artisan, ChannelIdentity, OutboxMessage
from db.session import create_engine, upgrade
from tests.telegram.fake_bot_api import ApiError, FakeBotApi
from tests.whatsapp.fake_graph import ERRORS, VERSION, FakeGraph, serve
from tests.worker.helpers import telegram_people

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "777:BUDGET"
PHONE_NUMBER_ID = "100200300"
TELEGRAM_RATE, TELEGRAM_CHAT_RATE, TELEGRAM_CHAT_BURST = 30.0, 1.0, 3.0
WHATSAPP_RATE, PAIR_RATE, PAIR_BURST = 80.0, 1 / 6, 45.0
BUSY_CHATS, EXTRA_PER_CHAT = 20, 4


@dataclass
class Gcra:
    """A chat's limit as the platform enforces it: `rate` per second sustained, `burst` at once (generic cell
    rate algorithm), `slack` seconds of network jitter forgiven."""

    rate: float
    burst: float
    slack: float = 0.2
    tat: float = 0.0

    def conforms(self, now: float) -> bool:
        return self.tat - (self.burst - 1) / self.rate <= now + self.slack

    def take(self, now: float) -> None:
        self.tat = max(self.tat, now) + 1 / self.rate


@dataclass
class PerSecond:
    """An account's limit as the platform enforces it: at most `limit` messages in any one second."""

    limit: float
    stamps: collections.deque[float] = field(default_factory=collections.deque)

    def conforms(self, now: float) -> bool:
        while self.stamps and now - self.stamps[0] >= 1.0:
            self.stamps.popleft()
        return len(self.stamps) < self.limit

    def take(self, now: float) -> None:
        self.stamps.append(now)


class StrictBotApi(FakeBotApi):
    """The fake Bot API refusing sends beyond the bot's and the chat's limits with 429 and retry_after."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.account = PerSecond(TELEGRAM_RATE)
        self.chats: dict[int, Gcra] = collections.defaultdict(lambda: Gcra(TELEGRAM_CHAT_RATE, TELEGRAM_CHAT_BURST))
        self.refused: collections.Counter[str] = collections.Counter()

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        now, chat = time.perf_counter(), self.chats[int(params.get("chat_id") or 0)]
        limits: tuple[tuple[str, Gcra | PerSecond], ...] = (("bot", self.account), ("chat", chat))
        for name, limit in limits:
            if not limit.conforms(now):
                self.refused[name] += 1
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self.account.take(now)
        chat.take(now)
        return await super().api_sendMessage(params)


@dataclass
class StrictGraph(FakeGraph):
    """The fake Graph API refusing sends beyond the number's throughput (130429) and the pair rate (131056)."""

    number: PerSecond = field(default_factory=lambda: PerSecond(WHATSAPP_RATE))
    pairs: dict[str, Gcra] = field(default_factory=lambda: collections.defaultdict(lambda: Gcra(PAIR_RATE,
                                                                                                PAIR_BURST)))
    refused: collections.Counter[str] = field(default_factory=collections.Counter)

    async def _messages(self, request: Request) -> JSONResponse:
        now = time.monotonic()
        try:
            pair = self.pairs[str(json.loads(await request.body()).get("to"))]
        except ValueError:
            return await super()._messages(request)
        limits: tuple[tuple[str, int, Gcra | PerSecond], ...] = (("throughput", 130429, self.number),
                                                                 ("pair rate", 131056, pair))
        for name, code, limit in limits:
            if not limit.conforms(now):
                self.refused[name] += 1
                return JSONResponse(ERRORS[code], status_code=400)
        self.number.take(now)
        pair.take(now)
        return await super()._messages(request)


async def fresh_database(admin_url: str, name: str) -> str:
    """Drop and create the benchmark's own database; its URL, migrated."""
    admin = create_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url


async def queue(url: str, people: int) -> dict[tuple[str, str], int]:
    """People on both platforms, a broadcast to all, more messages to a few Telegram chats: rows per address."""
    engine = create_engine(url)
    from sqlalchemy.ext.asyncio import async_sessionmaker

    sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    async with sessionmaker() as session, session.begin():
        await telegram_people(session, people, now)
        persons = [Artisan(display_name=f"w{i}", crafts=[], created_at=now, updated_at=now) for i in range(people)]
        session.add_all(persons)
        await session.flush()
        session.add_all(ChannelIdentity(artisan_id=p.id, channel="whatsapp", external_id=f"62812{i:07d}",
                                        last_inbound_at=now, created_at=now) for i, p in enumerate(persons))
        await session.flush()
        await schedule_broadcast(session, "Info pameran kerajinan", Audience(), now, now, Policy(quiet_hours=None))
        busy = (await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "telegram")
                                      .order_by(OutboxMessage.id).limit(BUSY_CHATS))).all()
        await session.execute(insert(OutboxMessage), [
            {"dedupe_key": f"{row.dedupe_key}:more{n}", "artisan_id": row.artisan_id, "channel": row.channel,
             "external_id": row.external_id, "kind": row.kind, "body": row.body, "status": "pending",
             "not_before": now, "expires_at": row.expires_at, "created_at": now, "broadcast_id": row.broadcast_id}
            for row in busy for n in range(EXTRA_PER_CHAT)])
        rows = (await session.execute(select(OutboxMessage.channel, OutboxMessage.external_id, func.count())
                                      .group_by(OutboxMessage.channel, OutboxMessage.external_id))).tuples().all()
    await engine.dispose()
    return {(channel, address): count for channel, address, count in rows}


async def unsettled(url: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as connection:
        found = await connection.scalar(select(func.count()).select_from(OutboxMessage)
                                        .where(OutboxMessage.status.in_(["pending", "sending"])))
    await engine.dispose()
    return int(found or 0)


async def settled(url: str, deadline: float) -> None:
    """Wait until no row is pending or being sent (or the deadline)."""
    while time.monotonic() < deadline:
        if not await unsettled(url):
            return
        await asyncio.sleep(0.5)


def workers(count: int, tree: Path, env: dict[str, str]) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=tree,
                             env={**os.environ, "PYTHONPATH": str(tree), **env},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(count)]


def rate(stamps: list[float]) -> float:
    return (len(stamps) - 1) / (max(stamps) - min(stamps)) if len(stamps) > 1 else 0.0


def duplicates(sent: collections.Counter[str], rows: dict[tuple[str, str], int], channel: str) -> int:
    return sum(max(0, n - rows.get((channel, address), 0)) for address, n in sent.items())


async def main(args: argparse.Namespace) -> None:
    url = await fresh_database(args.admin_url, args.database)
    rows = await queue(url, args.people)
    telegram = await StrictBotApi(TOKEN).start()
    graph = StrictGraph(token="wa-token", phone_number_id=PHONE_NUMBER_ID)
    async with serve(graph.app()) as graph_url:
        telegram.known_chats.update(int(address) for channel, address in rows if channel == "telegram")
        env = {"DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": telegram.base_url,
               "WHATSAPP_TOKEN": "wa-token", "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
               "WHATSAPP_APP_SECRET": "s", "WHATSAPP_VERIFY_TOKEN": "v",
               "WHATSAPP_API_BASE_URL": f"{graph_url}/{VERSION}", "KRIYA_QUIET_HOURS": "",
               "KRIYA_SCHEDULER_INTERVAL": "60"}
        started = time.monotonic()
        processes = workers(args.processes, Path(args.tree).resolve(), env)
        try:
            await settled(url, started + args.timeout)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                _, errors = await asyncio.to_thread(process.communicate)
                if process.returncode not in (0, -signal.SIGTERM):
                    print(f"worker exited {process.returncode}: {errors.decode()[-800:]}")
        elapsed = time.monotonic() - started
        left = await unsettled(url)
    await telegram.stop()
    tg_sent = telegram.calls_to("sendMessage", ok=True)
    tg_chats = collections.Counter(str(call.params["chat_id"]) for call in tg_sent)
    wa_chats = collections.Counter(s.to for s in graph.sent)
    expected = collections.Counter(channel for channel, _ in rows for _ in range(rows[(channel, _)]))
    print(f"{args.processes} `kriya worker` processes ({args.tree}), {sum(rows.values())} rows, "
          f"{elapsed:.1f} s until settled; load average {os.getloadavg()[0]:.2f} (other work on the machine too)")
    print(f"telegram   {len(tg_sent)}/{expected['telegram']} delivered, {rate([c.at for c in tg_sent]):.1f} msg/s "
          f"(limit {TELEGRAM_RATE:.0f}/s); refused by the fake: {telegram.refused['bot']} over the bot's limit, "
          f"{telegram.refused['chat']} over a chat's; duplicates {duplicates(tg_chats, rows, 'telegram')}")
    print(f"whatsapp   {len(graph.sent)}/{expected['whatsapp']} delivered, {rate([s.at for s in graph.sent]):.1f} "
          f"msg/s (limit {WHATSAPP_RATE:.0f}/s); refused by the fake: {graph.refused['throughput']} 130429 "
          f"(throughput), {graph.refused['pair rate']} 131056 (pair rate); "
          f"duplicates {duplicates(wa_chats, rows, 'whatsapp')}")
    print(f"left behind (pending or sending at the end): {left}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--people", type=int, default=300, help="people on each platform")
    parser.add_argument("--tree", default=str(ROOT), help="the checkout whose code the workers run")
    parser.add_argument("--admin-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="kriya_bench_budget")
    parser.add_argument("--timeout", type=float, default=180.0)
    asyncio.run(main(parser.parse_args()))
