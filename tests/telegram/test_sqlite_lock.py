"""On SQLite, `kriya trainings import` (another process) and the web process share the file: webhooks that
arrive during a 20,000-row import are all answered and stored, and the web process's event loop never
stalls waiting for the write lock."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from tests.conftest import Clock
from tests.telegram.conftest import CHAT, SECRET, serving, telegram_settings
from tests.telegram.fake_bot_api import FakeBotApi

REPO = Path(__file__).resolve().parents[2]
IMPORT_ROWS = 20_000
WEBHOOKS = 100
WEBHOOK_SPACING = 0.03  # seconds between two webhooks while the import runs
ANSWER_BOUND = 10.0  # seconds: the longest a webhook may wait for its answer
# Seconds the web process's event loop may go without turning while it handles 100 webhooks during the
# import (the old driver blocked it up to 5 s per wait for the lock). On an idle machine this is ~0.05 s;
# the rest of the bound is for a loaded one (2 shared cores), where handling itself is slow.
STALL_BOUND = 1.5
WAIT_STALL_BOUND = 0.2  # the same, while one transaction waits for a lock and nothing else runs
TICK = 0.005
HOLD = 1.0  # seconds another connection holds the write lock
HEADER = ("code,title,craft,organizer,province,regency,venue,mode,starts_at,ends_at,registration_deadline,"
          "quota,fee,contact,description,requirements\n")


def catalogue_csv(path: Path, rows: int, prefix: str = "IMP") -> Path:
    """A CSV of `rows` valid trainings with codes PREFIX-00000... and twenty organizers."""
    lines = [HEADER]
    for i in range(rows):
        lines.append(
            f'{prefix}-{i:05d},Pelatihan batik {i},batik,Dinas Perindustrian {i % 20},34,34.71,'
            f'"Jl. Kusumanegara {i}",offline,2027-03-05T09:00,2027-03-06T16:00,2027-03-01,20,150000,'
            f'0274-546111,"Kelas pewarnaan alam, angkatan {i}.",\n'
        )
    path.write_text("".join(lines), encoding="utf-8")
    return path


@dataclass
class Ticker:
    """Measures the event loop's longest stall: a task that wants to wake every TICK seconds."""

    longest: float = 0.0
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - TICK)
            last = now

    @contextmanager
    def running(self) -> Iterator[Ticker]:
        self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            yield self
        finally:
            self._task.cancel()


@dataclass
class Outcome:
    statuses: list[int | str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


async def post_webhook(http: httpx.AsyncClient, url: str, update: dict[str, object], outcome: Outcome) -> None:
    started = time.perf_counter()
    try:
        response = await http.post(url + "/telegram/webhook", json=update,
                                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        outcome.statuses.append(response.status_code)
    except httpx.HTTPError as error:
        outcome.statuses.append(type(error).__name__)
    outcome.seconds.append(time.perf_counter() - started)


def count(database: Path, table: str) -> int:
    with sqlite3.connect(database, timeout=30) as connection:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


async def test_webhooks_during_a_large_import_are_answered_and_stored(
    tmp_path: Path, sqlite_template: Path, fake: FakeBotApi
) -> None:
    database = tmp_path / "kriya.db"
    shutil.copy(sqlite_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    source = catalogue_csv(tmp_path / "big.csv", IMPORT_ROWS)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    outcome = Outcome()
    async with serving(fake, telegram_settings(url, fake), Clock(), demo=False) as kriya:
        async with httpx.AsyncClient(timeout=60) as http:
            with Ticker().running() as ticker:
                await post_webhook(http, kriya.url, fake.message(CHAT - 1, "halo"), Outcome())  # warm-up
                before = count(database, "inbound_messages")
                await asyncio.sleep(0.2)
                ticker.longest = 0.0
                await asyncio.sleep(0.2)
                idle_stall = ticker.longest
                importer = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "trainings", "import", str(source),
                    cwd=tmp_path, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
                )
                started = time.perf_counter()
                assert importer.stderr is not None
                while count(database, "trainings") == 0:  # the import is under way once its first batch is in
                    assert importer.returncode is None and time.perf_counter() - started < 60
                    await asyncio.sleep(0.05)
                sent_during_import = 0
                posts = []
                for number in range(WEBHOOKS):
                    update = fake.message(CHAT + number, "halo")
                    posts.append(asyncio.create_task(post_webhook(http, kriya.url, update, outcome)))
                    sent_during_import += importer.returncode is None
                    await asyncio.sleep(WEBHOOK_SPACING)
                await asyncio.gather(*posts)
                await importer.stderr.read()
                status = await asyncio.wait_for(importer.wait(), 120)
                import_seconds = time.perf_counter() - started
                loaded_stall = ticker.longest
        await kriya.settle(10)
    stored = count(database, "inbound_messages") - before
    print(f"\nimport {IMPORT_ROWS} rows: exit {status} in {import_seconds:.1f} s; {sent_during_import}/{WEBHOOKS} "
          f"webhooks sent while it ran; answered 2xx: {sum(s == 200 for s in outcome.statuses)}; stored: {stored}; "
          f"slowest answer {max(outcome.seconds):.2f} s; loop stall idle {idle_stall:.3f} s, "
          f"during the import {loaded_stall:.3f} s")
    assert status == 0
    assert count(database, "trainings") == IMPORT_ROWS
    assert sent_during_import >= WEBHOOKS // 3  # the webhooks really met the import
    assert outcome.statuses == [200] * WEBHOOKS
    assert stored == WEBHOOKS
    assert max(outcome.seconds) < ANSWER_BOUND
    assert loaded_stall < STALL_BOUND


async def test_a_lock_held_elsewhere_is_waited_for_without_blocking_the_loop(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from bot.app import open_app
    from bot.config import Settings
    from db import inline_sqlite

    database = tmp_path / "kriya.db"
    shutil.copy(sqlite_template, database)
    other = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    async with open_app(Settings(database_url=f"sqlite+aiosqlite:///{database}"), migrate=False) as app:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock for HOLD seconds
        loop = asyncio.get_running_loop()
        loop.call_later(HOLD, other.rollback)
        with Ticker().running() as ticker:
            started = time.perf_counter()
            async with app.sessionmaker() as session, session.begin():
                await session.execute(text("SELECT 1"))
            waited = time.perf_counter() - started
        assert HOLD * 0.9 <= waited < HOLD + 1.0
        assert ticker.longest < WAIT_STALL_BOUND

        monkeypatch.setattr(inline_sqlite, "LOCK_DEADLINE", 0.3)
        other.execute("BEGIN IMMEDIATE")
        started = time.perf_counter()
        with pytest.raises(OperationalError):
            async with app.sessionmaker() as session, session.begin():
                await session.execute(text("SELECT 1"))
        assert time.perf_counter() - started < 2.0  # gave up at the deadline, with the error
        other.rollback()
    other.close()
