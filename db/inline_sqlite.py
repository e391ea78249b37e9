"""SQLite for SQLAlchemy's asyncio engine without a worker thread: the aiosqlite dialect is handed (through
`async_creator`) a connection that runs each call at once on the event loop's thread.

Why: aiosqlite passes every cursor, execute, fetch and close through a thread queue; a message costs about
twenty such hand-offs, most of the time of a chat turn. SQLite calls on a local WAL file take microseconds,
so running them inline is faster; waiting for a lock held by another process does block the loop, up to
BUSY_TIMEOUT (Kriya runs one process per SQLite file, and its own transactions queue for the one connection).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

logger = logging.getLogger(__name__)

BUSY_TIMEOUT = 5.0


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
        if parameters is None:
            self._cursor.execute(sql)
        else:
            self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
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


class InlineConnection:
    """The part of aiosqlite's Connection that SQLAlchemy's aiosqlite dialect uses."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._tx = _RunNow()

    async def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await (await self.cursor()).execute(sql, parameters)

    async def commit(self) -> None:
        self._conn.commit()

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

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(database, timeout=BUSY_TIMEOUT, check_same_thread=False))

    return connect
