"""Engine and session factory (SQLite in WAL mode, or PostgreSQL) and migrations applied in-process."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, make_url
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from db import inline_sqlite

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
THREADED_BUSY_TIMEOUT = 30.0  # seconds; aiosqlite (in-memory and URI databases) waits in its own thread


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection (none for a
    file run inline: db/inline_sqlite.py waits for a lock on the event loop instead). SQL parameters stay
    out of error texts."""
    if url.startswith("sqlite"):
        # One connection, handed out in turn: SQLite has one writer anyway, and waiting for the pool is a
        # fair queue where SQLite's busy handler would sleep and retry.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 120)
        database = make_url(url).database
        inline = bool(database and database != ":memory:" and not database.startswith("file:"))
        if inline and database:
            kwargs.setdefault("async_creator", inline_sqlite.creator(database))
        busy_ms = int((inline_sqlite.BUSY_TIMEOUT if inline else THREADED_BUSY_TIMEOUT) * 1000)
        # hide_parameters: an error's text (logged with its traceback) must not carry names, phones, messages.
        engine = create_async_engine(url, connect_args={"timeout": THREADED_BUSY_TIMEOUT}, hide_parameters=True, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin_immediate(connection: Any) -> None:
            # Take SQLite's write lock at the start of every transaction: transactions run one after
            # another, so counting seats and then taking one cannot interleave (PostgreSQL locks rows).
            # Waiting for a lock another process holds happens here; the inline driver waits on the loop.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection, revision: str) -> tuple[str | None, str | None]:
    """Apply the migrations missing up to `revision`; (revision before, revision after)."""
    alembic_log = logging.getLogger("alembic")
    level = alembic_log.level
    alembic_log.setLevel(logging.WARNING)  # its INFO lines ("Context impl SQLiteImpl.") are noise to a user
    try:
        config = alembic_config()
        before = MigrationContext.configure(connection).get_current_revision()
        target = ScriptDirectory.from_config(config).get_revision(revision)
        if target is not None and before == target.revision:
            return before, before  # nothing to do: say nothing
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        return before, MigrationContext.configure(connection).get_current_revision()
    finally:
        alembic_log.setLevel(level)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` on the engine's database (logged only when one was applied)."""
    async with engine.begin() as connection:
        before, after = await connection.run_sync(_upgrade, revision)
    if before != after:
        logger.info("database migrated from %s to %s", before or "an empty database", after)
