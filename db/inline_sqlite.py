"""SQLite for SQLAlchemy's asyncio engine without a worker thread: the aiosqlite dialect is handed (through
`async_creator`) a connection that runs each call at once on the event loop's thread.

Why: aiosqlite passes every cursor, execute, fetch and close through a thread queue; a message costs about
twenty such hand-offs, most of the time of a chat turn. SQLite calls on a local WAL file take microseconds,
so running them inline is faster.

Waiting for a lock held by another process (`kriya trainings import` next to `kriya serve`) must not block
the loop, so SQLite's own busy handler is off (BUSY_TIMEOUT is 0): a statement that finds the database
locked fails at once, and is tried again after `await asyncio.sleep(...)` with a growing delay, up to
LOCK_DEADLINE, then the error is raised. A statement is only tried again where that is safe: when no
transaction is open (the statement either ran whole or not at all: BEGIN IMMEDIATE, where every one of
Kriya's transactions takes the write lock and so where the waiting happens, and autocommit statements such as
PRAGMAs), and COMMIT (SQLite keeps the transaction open when COMMIT is busy, to be tried again). Inside a
transaction a busy statement is raised at once: trying again could not succeed (a stale snapshot) or repeat
part of the work.

Checkpoints (copying the WAL back into the database file, with an fsync) would also run on the loop, after
whichever commit crosses SQLite's threshold, and take a second after a large import: so SQLite's automatic
checkpoint is off on these connections, and a passive checkpoint runs in a worker thread, on a connection of
its own, at most every CHECKPOINT_INTERVAL seconds after a commit (it waits for no lock and blocks no one).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

logger = logging.getLogger(__name__)

BUSY_TIMEOUT = 0.0  # seconds SQLite itself may sleep (blocking the loop) for a lock: never
LOCK_DEADLINE = 30.0  # seconds a statement keeps trying for a lock held by another process
FIRST_DELAY = 0.001  # seconds before the first new try; each next delay grows by DELAY_GROWTH
DELAY_GROWTH = 1.5
LONGEST_DELAY = 0.02  # short, so a lock released between another process's batches is caught
CHECKPOINT_INTERVAL = 1.0  # seconds between two background checkpoints (at most)
_SQLITE_BUSY = 5  # the primary result code; extended codes (BUSY_RECOVERY, ...) share its low byte


def is_busy(error: sqlite3.OperationalError) -> bool:
    """The database is locked by another connection (SQLITE_BUSY and its extended codes)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == _SQLITE_BUSY)
    return "database is locked" in str(error)


async def when_unlocked(statement: Callable[[], Any], deadline: float | None = None) -> Any:
    """Run `statement` (which must be safe to repeat after SQLITE_BUSY); while the database is locked,
    sleep on the loop with a growing delay and try again, until `deadline` (LOCK_DEADLINE) seconds passed."""
    give_up = time.monotonic() + (LOCK_DEADLINE if deadline is None else deadline)
    delay = FIRST_DELAY
    tries = 0
    while True:
        try:
            result = statement()
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            if time.monotonic() + delay > give_up:
                logger.warning("sqlite: still locked after %d tries; giving up", tries)
                raise
        else:
            if tries > 20:
                logger.debug("sqlite: got the lock after %d tries", tries)
            return result
        tries += 1
        await asyncio.sleep(delay)
        delay = min(delay * DELAY_GROWTH, LONGEST_DELAY)


class _RunNow:
    """Stands in for aiosqlite's request queue: runs the function at once and settles its future."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to whoever awaits the future
            future.set_exception(error)


class InlineCursor:
    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] | None = None) -> InlineCursor:
        cursor = self._cursor

        def run() -> None:
            if parameters is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, parameters)

        if cursor.connection.in_transaction:
            run()  # inside a transaction a busy statement cannot be repeated safely (module docstring)
        else:
            await when_unlocked(run)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        # Never repeated: outside a transaction the first rows could already be written.
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid


def checkpoint(database: str) -> None:
    """A passive WAL checkpoint of `database` on a connection of its own (run in a worker thread)."""
    try:
        connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT, check_same_thread=False)
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:  # another process is checkpointing, or the file went away: next time
        logger.debug("sqlite: checkpoint skipped: %s", type(error).__name__)


class Checkpoints:
    """Starts a background checkpoint after a commit, unless one ran less than CHECKPOINT_INTERVAL ago."""

    def __init__(self, database: str, interval: float = CHECKPOINT_INTERVAL) -> None:
        self.database = database
        self.interval = interval
        self._last = time.monotonic()
        self._running: asyncio.Future[None] | None = None

    def after_commit(self) -> None:
        now = time.monotonic()
        if now - self._last < self.interval or (self._running is not None and not self._running.done()):
            return
        self._last = now
        self._running = asyncio.get_running_loop().run_in_executor(None, checkpoint, self.database)


class InlineConnection:
    """The part of aiosqlite's Connection that SQLAlchemy's aiosqlite dialect uses."""

    def __init__(self, connection: sqlite3.Connection, checkpoints: Checkpoints | None = None) -> None:
        self._conn = connection
        self._tx = _RunNow()
        self._checkpoints = checkpoints

    async def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await (await self.cursor()).execute(sql, parameters)

    async def commit(self) -> None:
        await when_unlocked(self._conn.commit)  # a busy COMMIT leaves the transaction open: safe to repeat
        if self._checkpoints is not None:
            self._checkpoints.after_commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def stop(self) -> None:
        self._conn.close()


def creator(database: str) -> Callable[[], Awaitable[InlineConnection]]:
    """The `async_creator` for create_async_engine: connections to `database` (a file path)."""

    checkpoints = Checkpoints(database)

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(database, timeout=BUSY_TIMEOUT, check_same_thread=False)
        connection.execute("PRAGMA wal_autocheckpoint=0")  # checkpoints run in a thread (module docstring)
        return InlineConnection(connection, checkpoints)

    return connect
