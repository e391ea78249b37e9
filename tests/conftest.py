"""Shared fixtures: a migrated database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
a controllable clock, the app, and a chat helper that reads like a conversation."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text

from bot.app import App, open_app
from bot.config import Settings
from bot.core import Button, IncomingMessage, Reply
from db.models import Base
from db.session import create_engine, upgrade

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 23 November 2026, 10.00 WIB


def postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        return None
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+asyncpg://" + url.split("://", 1)[1]
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # parallel runs (pytest -n): each worker its own database
    if worker:
        parsed = make_url(url)
        url = parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)
    return url


_postgres_left_out = 0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without TEST_DATABASE_URL the PostgreSQL half of the suite is left out, with one line saying so."""
    global _postgres_left_out
    if postgres_url() is not None:
        return
    left_out = [item for item in items
                if getattr(item, "callspec", None) is not None and item.callspec.params.get("database_url") == "postgresql"]
    if left_out:
        _postgres_left_out = len(left_out)
        dropped = set(left_out)
        items[:] = [item for item in items if item not in dropped]
        config.hook.pytest_deselected(items=left_out)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if postgres_url() is not None:
        return
    # Under pytest -n the workers collect (the count is theirs, unseen here); the line is the controller's.
    parallel = bool(getattr(terminalreporter.config.option, "numprocesses", None))
    if not _postgres_left_out and not parallel:
        return
    counted = f"{_postgres_left_out} " if _postgres_left_out else ""
    terminalreporter.write_line(
        f"{counted}PostgreSQL tests not run: TEST_DATABASE_URL is not set (e.g. "
        "TEST_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/test bash scripts/test.sh)")


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating once keeps the suite fast)."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "kriya.db"

    async def migrate() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{path}")
        await upgrade(engine)
        await engine.dispose()  # closing the last connection checkpoints the WAL into the file

    asyncio.run(migrate())
    return path


_pg_migrated = False


async def _create_database(url: str) -> None:
    """The worker's own database, made on first use from the server's maintenance database."""
    name = make_url(url).database
    server = create_engine(make_url(url).set(database="postgres").render_as_string(hide_password=False),
                           isolation_level="AUTOCOMMIT")
    try:
        async with server.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await server.dispose()


async def _fresh_postgres(url: str) -> None:
    global _pg_migrated
    if not _pg_migrated and os.environ.get("PYTEST_XDIST_WORKER"):
        await _create_database(url)
    engine = create_engine(url)
    try:
        if not _pg_migrated:
            async with engine.begin() as conn:
                await conn.execute(text("DROP SCHEMA public CASCADE"))
                await conn.execute(text("CREATE SCHEMA public"))
            await upgrade(engine)
            _pg_migrated = True
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A clean, migrated database: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "kriya.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite+aiosqlite:///{target}"
    url = postgres_url()
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set")
    await _fresh_postgres(url)
    return url


@pytest.fixture
async def app(database_url: str, clock: Clock) -> AsyncIterator[App]:
    async with open_app(Settings(database_url=database_url), clock=clock, migrate=False) as opened:
        yield opened


@pytest.fixture
async def demo_app(app: App) -> App:
    """The app with the demo catalogue loaded relative to the test clock."""
    from db.seed import seed_demo

    async with app.sessionmaker() as session, session.begin():
        await seed_demo(session, app.clock())
    return app


@dataclass
class Chat:
    """One person talking to Kriya: `await chat.say("halo")`, then read `chat.text` or tap a button."""

    app: App
    user: str = "6281200000001"
    channel: str = "console"
    language: str | None = None
    name: str | None = "Sari"
    replies: list[Reply] = field(default_factory=list)

    async def send(self, **fields: object) -> list[Reply]:
        msg = IncomingMessage(
            channel=self.channel, user_id=self.user, message_id=uuid.uuid4().hex, name=self.name,
            language=self.language, **fields,  # type: ignore[arg-type]
        )
        self.replies = await self.app.dispatcher.handle(msg)
        return self.replies

    async def say(self, text: str) -> list[Reply]:
        return await self.send(text=text)

    async def tap(self, title: str) -> list[Reply]:
        """Choose the button whose title contains `title` (from the last replies)."""
        return await self.send(payload=self.button(title).payload)

    def button(self, title: str) -> Button:
        for reply in reversed(self.replies):
            for button in reply.buttons:
                if title.casefold() in button.title.casefold():
                    return button
        raise AssertionError(f"no button like {title!r} in {[b.title for r in self.replies for b in r.buttons]}")

    @property
    def text(self) -> str:
        return "\n\n".join(reply.text for reply in self.replies)

    @property
    def titles(self) -> list[str]:
        return [b.title for r in self.replies for b in r.buttons]


@pytest.fixture
def chat(demo_app: App) -> Chat:
    return Chat(demo_app)
