"""Reply latency of Kriya (`kriya poll`) against a bare python-telegram-bot echo bot, in one run.

The project's fake Telegram Bot API runs twice in this process (one bot token each, on 127.0.0.1); Kriya's own
`kriya poll` command (SQLite with the demo catalogue, default rate limits) and a bare python-telegram-bot echo
bot (`Application.run_polling`) run as two processes long-polling them. People chat with both at the same
time, at a person's pace: each sends a message, reads the replies, and writes again PAUSE seconds after the last
one. A reply's latency is from the moment the update is offered to getUpdates to the moment the bot's first
sendMessage to that chat arrives; a turn's, to its last reply (the last one before PAUSE seconds of silence).
Each bot's CPU time per answered poll is read from /proc while people chat (after the warm-up). Once the bots
have stopped, Kriya's SQL statements per message (dispatcher, outbox, the send recorded) are counted in this
process on the same database, for the same script.

Run: .venv/bin/python bench/bench_latency.py [--people 8] [--turns 20] [--pause 1.0]
(PostgreSQL for Kriya with --database-url postgresql+asyncpg://...: that database gets the demo catalogue.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_console import SCRIPT  # noqa: E402  (what artisans say most)

from tests.telegram.fake_bot_api import FakeBotApi  # noqa: E402

KRIYA_TOKEN = "123:LATENCY"
BARE_TOKEN = "456:LATENCY"
GOAL_MEDIAN = 2.0  # Kriya's median reply latency at most this many times the bare bot's (issue 17)
GOAL_P90 = 3.0
REPLY_TIMEOUT = 30.0  # seconds a person waits for a first reply before the run fails
START_TIMEOUT = 60.0  # seconds both bots get to start polling
STOP_TIMEOUT = 15.0  # seconds they get to stop
FIRST_CHAT = 7_000_000


class ListeningFake(FakeBotApi):
    """The fake Bot API, noting when each sendMessage arrives, per chat."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.arrivals: dict[int, asyncio.Queue[float]] = defaultdict(asyncio.Queue)
        self.polled = False  # a getUpdates came: the bot is running
        self.batches: list[int] = []  # updates handed over by each getUpdates that had any

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        result = await super().api_sendMessage(params)
        self.arrivals[int(params["chat_id"])].put_nowait(time.perf_counter())
        return result

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        self.polled = True  # (a call is recorded only once answered, and a long poll answers late)
        updates = await super().api_getUpdates(params)
        if updates:
            self.batches.append(len(updates))
        return updates


@dataclass
class Figures:
    name: str
    first: list[float] = field(default_factory=list)  # seconds to the first reply of each turn
    last: list[float] = field(default_factory=list)  # seconds to the last reply of each turn
    replies: int = 0
    late: int = 0  # replies that came after PAUSE seconds of silence (seen before the next message)
    batches: list[int] = field(default_factory=list)  # updates per getUpdates answer (more than one: they queue)
    cpu: float = 0.0  # CPU seconds the bot's process used while people chatted (after the warm-up)
    statements: float = 0.0  # SQL statements per message (Kriya only)

    @staticmethod
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000

    def line(self) -> str:
        first, last = self.first, self.last
        return (f"  {self.name:<10} first reply: median {self.pct(first, .5):6.1f} ms  p90 {self.pct(first, .9):6.1f}"
                f"  p99 {self.pct(first, .99):6.1f}  max {max(first) * 1000:6.1f}   last reply of the turn:"
                f" median {self.pct(last, .5):6.1f}  p90 {self.pct(last, .9):6.1f}   ({len(first)} turns,"
                f" {self.replies} replies, {self.late} late, {sum(b > 1 for b in self.batches)} of"
                f" {len(self.batches)} polls brought several updates)\n"
                f"  {'':<10} CPU {self.cpu / max(len(self.batches), 1) * 1000:.1f} ms per poll answered"
                f" ({self.cpu:.2f} s in all)")


async def person(fake: ListeningFake, chat: int, texts: list[str], pause: float, figures: Figures | None) -> None:
    """One person: a message, its replies, PAUSE seconds after the last, the next message (noted in `figures`
    unless None: the warm-up)."""
    arrivals = fake.arrivals[chat]
    await asyncio.sleep(random.uniform(0, pause))  # people do not start in step
    for text in texts:
        while not arrivals.empty():  # a reply after the silence: counted, not taken for this turn's
            arrivals.get_nowait()
            if figures is not None:
                figures.late += 1
        sent = time.perf_counter()
        fake.queue_update(fake.message(chat, text, first_name=f"Orang {chat}"))
        first = last = await asyncio.wait_for(arrivals.get(), REPLY_TIMEOUT)
        count = 1
        while True:
            try:
                last = await asyncio.wait_for(arrivals.get(), pause)
                count += 1
            except TimeoutError:
                break
        if figures is not None:
            figures.first.append(first - sent)
            figures.last.append(last - sent)
            figures.replies += count


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def running(bots: dict[str, tuple[list[str], dict[str, str]]], folder: Path) -> Iterator[dict[str, int]]:
    """The bot processes for the length of the block; stopped together with SIGINT (as Ctrl-C), killed if they
    linger."""
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, (command, env) in bots.items():
            with (folder / f"{name}.log").open("wb") as log:
                processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        yield {name: process.pid for name, process in processes.items()}
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGINT)
        for name, process in processes.items():
            try:
                process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.returncode not in (0, 130, -signal.SIGINT):
                print(f"  ({name} exited with {process.returncode})")


async def statements_per_message(fake: ListeningFake, database_url: str, texts: list[str], people: int) -> float:
    """SQL statements Kriya sends per Telegram message, from the update to its replies sent and recorded: each
    text as an update from one of the bench's people (`kriya poll` has stopped), counted on the engine."""
    from sqlalchemy import event

    from bot.app import open_app
    from bot.config import Settings

    counted = [0]

    def count(*_args: object) -> None:
        counted[0] += 1

    settings = Settings(database_url=database_url, telegram_bot_token=KRIYA_TOKEN, telegram_api_base_url=fake.base_url)
    async with open_app(settings, with_channels=True) as app:
        channel = app.channel("telegram")
        assert channel is not None
        event.listen(app.engine.sync_engine, "before_cursor_execute", count)
        for number, text in enumerate(texts):
            await channel.process_json(fake.message(FIRST_CHAT + number % people, text))  # type: ignore[attr-defined]
            await channel.idle()  # type: ignore[attr-defined]
    return counted[0] / len(texts)


def release_polls(*fakes: ListeningFake) -> None:
    """Long polls under way return at once (so the bots stop without waiting out their getUpdates timeout)."""
    for fake in fakes:
        fake._closing = True
        fake._news.set()


def kriya_env(fake: ListeningFake, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KRIYA_", "TELEGRAM_", "WHATSAPP_"))}
    env.update(DATABASE_URL=database_url, TELEGRAM_BOT_TOKEN=KRIYA_TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    return env


def prepare_kriya(env: dict[str, str], database_url: str) -> None:
    """The schema and the demo catalogue, with Kriya's own commands."""
    if not database_url.startswith("sqlite"):
        subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    subprocess.run([sys.executable, "-m", "bot", "seed", "--demo"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


async def until(condition: Any, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.05)


async def bench(args: argparse.Namespace, folder: Path) -> dict[str, Figures]:
    kriya_fake, bare_fake = ListeningFake(KRIYA_TOKEN), ListeningFake(BARE_TOKEN)
    await kriya_fake.start()
    await bare_fake.start()
    database_url = args.database_url or f"sqlite+aiosqlite:///{folder}/latency.db"
    env = kriya_env(kriya_fake, database_url)
    await asyncio.to_thread(prepare_kriya, env, database_url)
    kriya = [sys.executable, "-m", "bot", "poll"]
    bare = [sys.executable, str(Path(__file__).resolve()), "--bare-bot", bare_fake.base_url, BARE_TOKEN]
    figures = {"bare PTB": Figures("bare PTB"), "Kriya": Figures("Kriya")}
    texts = [SCRIPT[i % len(SCRIPT)] for i in range(args.turns + args.warmup)]
    try:
        with running({"Kriya": (kriya, env), "bare PTB": (bare, dict(os.environ))}, folder) as pids:
            await until(lambda: kriya_fake.polled and bare_fake.polled, START_TIMEOUT, "the bots did not poll")
            fakes = {"Kriya": kriya_fake, "bare PTB": bare_fake}
            await asyncio.gather(*(person(fake, FIRST_CHAT + number, texts[: args.warmup], args.pause, None)
                                   for number in range(args.people) for fake in fakes.values()))
            cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
            for fake in fakes.values():
                fake.batches.clear()
            await asyncio.gather(*(person(fake, FIRST_CHAT + number, texts[args.warmup:], args.pause, figures[name])
                                   for number in range(args.people) for name, fake in fakes.items()))
            for name, pid in pids.items():
                figures[name].cpu = cpu_seconds(pid) - cpu_before[name]
            release_polls(kriya_fake, bare_fake)
        figures["Kriya"].statements = await statements_per_message(kriya_fake, database_url, texts[args.warmup:],
                                                                   args.people)
    finally:
        await kriya_fake.stop()
        await bare_fake.stop()
    for name, fake in (("bare PTB", bare_fake), ("Kriya", kriya_fake)):
        figures[name].batches = fake.batches
    return figures


def report(figures: dict[str, Figures], args: argparse.Namespace, load_before: tuple[float, ...]) -> None:
    bare, kriya = figures["bare PTB"], figures["Kriya"]
    load_after = os.getloadavg()
    print(f"Reply latency, {args.people} people per bot at once, {args.turns} turns each (after {args.warmup}"
          f" warm-up), {args.pause:.1f} s after each reply; load {load_before[0]:.2f} before,"
          f" {load_after[0]:.2f} after (1-min average, {os.cpu_count()} cores)")
    for found in (bare, kriya):
        print(found.line())
    ratios = {q: Figures.pct(kriya.first, q) / Figures.pct(bare.first, q) for q in (.5, .9)}
    print(f"  Kriya / bare PTB: median x{ratios[.5]:.2f} (goal <= {GOAL_MEDIAN:.0f}:"
          f" {'met' if ratios[.5] <= GOAL_MEDIAN else 'not met'}), p90 x{ratios[.9]:.2f} (goal <= {GOAL_P90:.0f}:"
          f" {'met' if ratios[.9] <= GOAL_P90 else 'not met'}); mean"
          f" {(statistics.mean(kriya.first) - statistics.mean(bare.first)) * 1000:+.1f} ms per reply")
    print(f"  Kriya: {kriya.statements:.1f} SQL statements per message (from the update to its replies sent and"
          " recorded; BEGIN counted, COMMIT not)")


def bare_bot(base_url: str, token: str) -> None:
    """The bare bot: python-telegram-bot's long polling and one handler that echoes the text."""
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None and update.effective_message.text:
            await update.effective_message.reply_text(update.effective_message.text)

    application = Application.builder().token(token).base_url(base_url).build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.run_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=8, help="people chatting with each bot at once")
    parser.add_argument("--turns", type=int, default=20, help="measured messages per person")
    parser.add_argument("--warmup", type=int, default=len(SCRIPT),
                        help="first messages per person, not measured (default: the script once, so that what a"
                             " process loads on first use is loaded)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds a person waits after the last reply")
    parser.add_argument("--database-url", help="Kriya's database (default: a new SQLite file)")
    parser.add_argument("--bare-bot", nargs=2, metavar=("BASE_URL", "TOKEN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_bot:
        bare_bot(*args.bare_bot)
        return
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        figures = asyncio.run(bench(args, Path(folder)))
    report(figures, args, load_before)


if __name__ == "__main__":
    main()
