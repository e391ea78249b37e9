"""Benchmark of the Telegram webhook path (POST in, reply out at a fake Bot API) against bare python-telegram-bot."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import open_app  # noqa: E402
from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.core import Button, IncomingMessage, Reply  # noqa: E402
from bot.delivery import Outgoing, reply_to_body  # noqa: E402
from bot.web import create_web_app  # noqa: E402
from db.seed import seed_demo  # noqa: E402
from tests.telegram.fake_bot_api import FakeBotApi, LocalServer  # noqa: E402

logger = logging.getLogger(__name__)

TOKEN = "123:BENCH"
SECRET = "bench-secret"
# What people send: the menu, a catalogue page, a free-text question (NLU and a search), a tip.
TEXTS = ("/start", "/pelatihan", "ada pelatihan batik di jogja bulan depan?", "tips kemasan")


class TimedFake(FakeBotApi):
    """The fake Bot API, noting when the first reply to each chat arrives."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.waiting: dict[int, asyncio.Future[float]] = {}

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        result = await super().api_sendMessage(params)
        future = self.waiting.pop(int(params["chat_id"]), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())
        return result

    def expect(self, chat_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat_id] = future
        return future


@dataclass
class Figures:
    name: str
    updates: int
    seconds: float
    latencies: list[float]  # POST sent -> reply received by the fake, seconds
    acks: list[float]  # POST sent -> 200 received, seconds

    @property
    def per_second(self) -> float:
        return self.updates / self.seconds

    def pct(self, values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    def line(self) -> str:
        return (f"  {self.name:<34} {self.per_second:8.1f} updates/s   reply p50 {self.pct(self.latencies, .5):6.1f} ms"
                f"  p99 {self.pct(self.latencies, .99):6.1f} ms   200 p50 {self.pct(self.acks, .5):6.1f} ms"
                f"  p99 {self.pct(self.acks, .99):6.1f} ms")


Post = Callable[[dict[str, Any]], Awaitable[httpx.Response]]


async def drive(name: str, fake: TimedFake, post: Post, count: int, concurrency: int,
                chat_ids: Iterator[int]) -> Figures:
    """POST `count` updates, `concurrency` in flight, each from a new chat; time each until its reply."""
    latencies: list[float] = []
    acks: list[float] = []
    chats = itertools.islice(chat_ids, count)
    texts = iter([TEXTS[i % len(TEXTS)] for i in range(count)])

    async def worker() -> None:
        for chat in chats:
            update = fake.message(chat, next(texts))
            replied = fake.expect(chat)
            started = time.perf_counter()
            response = await post(update)
            acks.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{name}: webhook answered {response.status_code}")
            latencies.append(await asyncio.wait_for(replied, 30) - started)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Figures(name, count, time.perf_counter() - began, latencies, acks)


def bare_ptb_app(fake: TimedFake) -> tuple[Application[Any, Any, Any, Any, Any, Any], Starlette]:
    """python-telegram-bot alone: a webhook that hands updates to an Application with one trivial handler."""
    application = Application.builder().token(TOKEN).base_url(fake.base_url).updater(None).build()

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text("Halo! Saya Kriya.")

    application.add_handler(TypeHandler(Update, echo))

    async def webhook(request: Request) -> Response:
        update = Update.de_json(await request.json(), application.bot)
        await application.process_update(update)
        return Response()

    return application, Starlette(routes=[Route(WEBHOOK_PATH, webhook, methods=["POST"])])


@asynccontextmanager
async def bare_target(fake: TimedFake) -> AsyncIterator[Post]:
    """Bare python-telegram-bot served on 127.0.0.1: its POST function."""
    application, web = bare_ptb_app(fake)
    await application.initialize()
    server = LocalServer(web)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
            async def post(update: dict[str, Any]) -> httpx.Response:
                return await http.post(WEBHOOK_PATH, json=update)

            yield post
    finally:
        await server.stop()
        await application.shutdown()


@asynccontextmanager
async def kriya_target(fake: TimedFake, database_url: str) -> AsyncIterator[Post]:
    """Kriya (`kriya serve` without background loops) on 127.0.0.1 with the demo catalogue: its POST function."""
    settings = Settings(
        database_url=database_url, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
        telegram_webhook_secret=SECRET,
        telegram_rate=1e6, telegram_chat_rate=1e6,  # measure Kriya, not Telegram's 30 msg/s pacing
    )
    async with open_app(settings, migrate=True, with_channels=True) as app:
        async with app.sessionmaker() as session, session.begin():
            await seed_demo(session, app.clock())
        channel = app.channel("telegram")
        assert isinstance(channel, TelegramChannel)
        server = LocalServer(create_web_app(app, run_background=False))
        await server.start()
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=30, headers={SECRET_HEADER: SECRET}) as http:
                async def post(update: dict[str, Any]) -> httpx.Response:
                    return await http.post(WEBHOOK_PATH, json=update)

                yield post
        finally:
            await server.stop()


class StubDispatcher:
    """Answers every message with the main menu, without a database: isolates the channel's own cost."""

    def __init__(self) -> None:
        self.body = reply_to_body(Reply("Halo! Saya Kriya, asisten untuk para perajin.", (
            Button("Pelatihan", "tl"), Button("Sertifikasi", "cert"), Button("Tips pasar", "tip"),
            Button("Bahasa / Language", "lang"))))

    async def handle_queued(self, msg: IncomingMessage) -> list[Outgoing]:
        return [Outgoing(0, msg.channel, msg.user_id, self.body)]


@asynccontextmanager
async def channel_target(fake: TimedFake) -> AsyncIterator[Post]:
    """Kriya's Telegram channel alone (secret, parsing, PTB dispatch, rendering, sending), no dispatcher or outbox."""
    settings = Settings(telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                        telegram_webhook_secret=SECRET)
    holder: list[TelegramChannel] = []

    async def deliver(items: Sequence[Outgoing]) -> None:
        for item in items:
            await holder[0].sender.send(item)

    channel = TelegramChannel(settings, StubDispatcher(), deliver)  # type: ignore[arg-type]
    holder.append(channel)
    await channel.start()
    server = LocalServer(Starlette(routes=channel.routes()))
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30, headers={SECRET_HEADER: SECRET}) as http:
            async def post(update: dict[str, Any]) -> httpx.Response:
                return await http.post(WEBHOOK_PATH, json=update)

            yield post
    finally:
        await server.stop()
        await channel.stop()


def pooled(runs: list[Figures]) -> Figures:
    return Figures(runs[0].name, sum(r.updates for r in runs), sum(r.seconds for r in runs),
                   [x for r in runs for x in r.latencies], [x for r in runs for x in r.acks])


async def bench(database_url: str, label: str, count: int, concurrency: int, warmup: int, rounds: int) -> None:
    """Bare PTB and Kriya run side by side; their runs alternate so both see the same machine load."""
    fake = TimedFake(TOKEN)
    await fake.start()
    chats = itertools.count(random.randrange(1, 1000) * 1_000_000_000, 1)  # new chats on every run
    runs: dict[str, list[Figures]] = {}
    try:
        async with bare_target(fake) as bare, channel_target(fake) as channel, \
                kriya_target(fake, database_url) as kriya:
            targets = (("bare PTB", bare), ("Kriya channel only", channel), ("Kriya", kriya))
            for _name, post in targets:
                await drive("warm-up", fake, post, warmup, concurrency, chats)
            for _round in range(rounds):
                for in_flight in (1, concurrency):
                    for name, post in targets:
                        key = f"{name}, {in_flight} in flight"
                        runs.setdefault(key, []).append(
                            await drive(key, fake, post, count // rounds, in_flight, chats))
    finally:
        await fake.stop()
    figures = {key: pooled(found) for key, found in runs.items()}
    print(f"\n{label}: {rounds} rounds of {count // rounds} updates per line, texts {list(TEXTS)}")
    for line in figures.values():
        print(line.line())
    for name in ("Kriya channel only", "Kriya"):
        for in_flight in (1, concurrency):
            bare_run, ours = figures[f"bare PTB, {in_flight} in flight"], figures[f"{name}, {in_flight} in flight"]
            p50 = ours.pct(ours.latencies, .5) / bare_run.pct(bare_run.latencies, .5)
            p99 = ours.pct(ours.latencies, .99) / bare_run.pct(bare_run.latencies, .99)
            extra = (statistics.mean(ours.latencies) - statistics.mean(bare_run.latencies)) * 1000
            print(f"  {name} / bare PTB, {in_flight:>2} in flight: reply latency p50 x{p50:.1f}, p99 x{p99:.1f};"
                  f" throughput x{ours.per_second / bare_run.per_second:.2f}; {extra:+.1f} ms per update (mean)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=400, help="updates per measured line (over all rounds)")
    parser.add_argument("--concurrency", type=int, default=16, help="webhook calls in flight")
    parser.add_argument("--warmup", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=4, help="alternations of bare PTB and Kriya runs")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print("Telegram webhook benchmark: client, Kriya (or bare PTB) and the fake Bot API share one process and one "
          "event loop on 127.0.0.1; rate limits lifted.")
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(bench(f"sqlite+aiosqlite:///{folder}/bench.db", "SQLite", args.updates, args.concurrency,
                          args.warmup, args.rounds))
    postgres = os.environ.get("TEST_DATABASE_URL", "").strip()
    if postgres:
        if postgres.startswith(("postgresql://", "postgres://")):
            postgres = "postgresql+asyncpg://" + postgres.split("://", 1)[1]
        asyncio.run(bench(postgres, "PostgreSQL", args.updates, args.concurrency, args.warmup, args.rounds))


if __name__ == "__main__":
    main()
