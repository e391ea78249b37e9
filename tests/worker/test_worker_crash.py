"""kill -9 of `kriya worker` in the middle of a 5,000-message broadcast: after a restart everyone has the
message, and duplicates are at most the messages in flight at the moment of the kill."""

from __future__ import annotations

import asyncio
import collections
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.app import open_app
from bot.config import Settings
from db.models import OutboxMessage
from tests.telegram.fake_bot_api import FakeBotApi
from tests.worker.helpers import broadcast_now, telegram_people

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "321:CRASH"
PEOPLE = 5000


def worker(env: dict[str, str]) -> asyncio.Future:  # type: ignore[type-arg]
    return asyncio.ensure_future(asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "worker", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    ))


async def test_kill_9_in_the_middle_of_a_broadcast(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'kriya.db'}"
    fake = await FakeBotApi(TOKEN).start()
    try:
        async with open_app(Settings(database_url=url), migrate=True) as app:
            async with app.sessionmaker() as session, session.begin():
                chats = await telegram_people(session, PEOPLE, app.clock())
                broadcast = await broadcast_now(session, "Pameran kerajinan akhir tahun: daftar sebelum 10 Desember.",
                                                app.clock())
            assert broadcast.recipients == PEOPLE
            fake.known_chats.update(chats)
            env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": TOKEN,
                   "TELEGRAM_API_BASE_URL": fake.base_url, "KRIYA_TELEGRAM_RATE": "5000",
                   "KRIYA_OUTBOX_LEASE": "3", "KRIYA_QUIET_HOURS": "", "KRIYA_SCHEDULER_INTERVAL": "5"}
            first = await worker(env)
            await fake.wait_until(lambda: len(fake.sent()) >= PEOPLE // 3, within=180)
            first.send_signal(signal.SIGKILL)
            await first.wait()
            accepted_at_kill = len(fake.sent())
            async with app.sessionmaker() as session:
                recorded_at_kill = await session.scalar(
                    select(func.count()).where(OutboxMessage.status == "sent"))
            in_flight = accepted_at_kill - int(recorded_at_kill or 0)

            second = await worker(env)
            try:
                await fake.wait_until(lambda: len({p["chat_id"] for p in fake.sent()}) >= PEOPLE, within=300)
            finally:
                second.send_signal(signal.SIGTERM)
                await asyncio.wait_for(second.wait(), 30)
            async with app.sessionmaker() as session:
                statuses = dict((await session.execute(
                    select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))).all())
    finally:
        await fake.stop()
    per_chat = collections.Counter(int(p["chat_id"]) for p in fake.sent())
    duplicates = sum(n - 1 for n in per_chat.values())
    print(f"\nkilled after {accepted_at_kill} accepted, {recorded_at_kill} recorded: {in_flight} in flight; "
          f"duplicates after restart: {duplicates}; outbox: {statuses}")
    assert set(per_chat) == set(chats)  # everyone got it
    assert duplicates <= in_flight
    assert statuses == {"sent": PEOPLE}
