"""Writing checked rows: upserted by code in batches of short transactions, then the registrants of moved or
cancelled trainings re-planned and told."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.catalogue.report import ImportReport, ImportStopped
from bot.services.catalogue.rows import check_rows
from bot.services.notices import notify
from bot.services.reminders import Policy, ReminderPlanner
from db.models import Organizer, Registration, Training

logger = logging.getLogger(__name__)
T = TypeVar("T")


BATCH_ROWS = 250  # trainings written per transaction
CHANGES_PER_BATCH = 50  # moved or cancelled trainings re-planned and announced per transaction
BATCH_TRIES = 3  # a batch that met another import's new rows (unique key) is written again
SQLITE_BATCH_PAUSE = 0.05  # seconds between two batches on SQLite: longer than the other processes'
# longest wait between two tries for the lock (db/inline_sqlite.LONGEST_DELAY), so they get it


def organizer_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "organizer"


async def organizer_for(session: AsyncSession, name: str) -> Organizer:
    """The organizer named `name` (by key or exact name), created when new; two imports creating the same
    organizer at once both get the one row (INSERT ... ON CONFLICT DO NOTHING, then SELECT)."""
    key = organizer_key(name)
    found = (
        await session.execute(select(Organizer).where((Organizer.key == name) | (Organizer.key == key)))
    ).scalar_one_or_none()
    if found is None:
        found = (await session.execute(select(Organizer).where(Organizer.name == name))).scalars().first()
    if found is None:
        dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
        await session.execute(
            dialect.insert(Organizer).values(key=key, name=name).on_conflict_do_nothing(index_elements=["key"])
        )
        found = (await session.execute(select(Organizer).where(Organizer.key == key))).scalar_one()
    return found


async def write_batch(session: AsyncSession, batch: Sequence[dict[str, Any]], is_demo: bool) -> ImportReport:
    """Upsert one batch of checked rows by code (one query for the existing ones)."""
    report = ImportReport()
    organizers: dict[str, int] = {}
    codes = [parsed["code"] for parsed in batch]
    existing = {
        t.code: t for t in (await session.execute(select(Training).where(Training.code.in_(codes)))).unique().scalars()
    }
    for parsed in batch:
        values = dict(parsed)  # the batch may be written again: leave it as it was
        name = values.pop("organizer")
        if name not in organizers:
            organizers[name] = (await organizer_for(session, name)).id
        training = existing.get(values["code"])
        if training is None:
            session.add(Training(**values, organizer_id=organizers[name], is_demo=is_demo))
            report.created.append(values["code"])
            continue
        if values["status"] == "cancelled" and training.status != "cancelled":
            report.cancelled.append(training.id)
        elif training.starts_at != values["starts_at"]:
            report.moved.append(training.id)
        for column, value in values.items():
            setattr(training, column, value)
        training.organizer_id = organizers[name]
        training.is_demo = is_demo
        report.updated.append(values["code"])
    await session.flush()
    return report


async def import_rows(
    session: AsyncSession, rows: list[tuple[int, dict[str, Any]]], is_demo: bool = False,
    now: datetime | None = None, policy: Policy | None = None,
) -> ImportReport:
    """Check every row, then upsert the good ones by code in the caller's transaction; registrants of a
    moved or cancelled training get their reminders re-planned (or dropped) and a notice. For a few
    rows (the demo, tests); a file goes in with `import_in_batches`."""
    good, errors = check_rows(rows)
    report = await write_batch(session, good, is_demo) if good else ImportReport()
    report.errors = errors
    if now is not None:
        await _after_changes(session, report.moved + report.cancelled, set(report.cancelled), now,
                             policy or Policy())
    return report


async def import_in_batches(
    sessionmaker: async_sessionmaker[AsyncSession], rows: list[tuple[int, dict[str, Any]]],
    now: datetime | None = None, policy: Policy | None = None, is_demo: bool = False,
    batch_rows: int = BATCH_ROWS, pause: float = 0.0,
) -> ImportReport:
    """Check every row first, then write the good ones BATCH_ROWS per transaction, and re-plan and announce
    the moved or cancelled trainings CHANGES_PER_BATCH per transaction: no transaction holds a lock long
    (on SQLite, the one write lock), and `pause` seconds between two lets other processes take it.

    A batch that fails is not half-written, but the batches before it stay in."""
    good, errors = check_rows(rows)
    report = ImportReport(errors=errors)
    try:
        for batch in _chunks(good, batch_rows):
            report.add(await _in_transaction(sessionmaker, write_batch, batch, is_demo))
            await asyncio.sleep(pause)
        if now is not None:
            changed, cancelled = report.moved + report.cancelled, set(report.cancelled)
            for ids in _chunks(changed, CHANGES_PER_BATCH):
                await _in_transaction(sessionmaker, _after_changes, ids, cancelled, now, policy or Policy())
                await asyncio.sleep(pause)
    except SQLAlchemyError as error:
        raise ImportStopped(report, error) from error
    return report


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def _in_transaction(
    sessionmaker: async_sessionmaker[AsyncSession], work: Callable[..., Awaitable[T]], *args: Any
) -> T:
    """`work(session, *args)` in a transaction of its own, done again when it met rows another import had
    just added (a unique key)."""
    for attempt in range(1, BATCH_TRIES + 1):
        try:
            async with sessionmaker() as session, session.begin():
                return await work(session, *args)
        except IntegrityError:
            if attempt == BATCH_TRIES:
                raise
            logger.info("import: a batch met rows written meanwhile (try %d); writing it again", attempt)
    raise AssertionError("unreachable")


async def _after_changes(
    session: AsyncSession, training_ids: Sequence[int], cancelled: set[int], now: datetime, policy: Policy
) -> None:
    planner = ReminderPlanner(session, now, policy)
    for training_id in training_ids:
        await planner.replan_training(training_id)
        training = await session.get_one(Training, training_id)
        if training.starts_at <= now:
            continue
        kind = "cancelled" if training_id in cancelled else "moved"
        registrations = (await session.execute(
            select(Registration).where(Registration.training_id == training_id,
                                       Registration.status.in_(("registered", "waitlisted")))
        )).scalars().all()
        for registration in registrations:
            if kind == "cancelled":
                registration.status = "cancelled"
            if registration.artisan_id is not None:
                await notify(session, registration.artisan_id, kind, now,
                             key=f"{kind}:{training_id}:{registration.id}:{training.starts_at.isoformat()}",
                             policy=policy, training_code=training.code)
