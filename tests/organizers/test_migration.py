"""Migration 0004 builds exactly the models' tables of the organizers' side, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bot.app import App
from db.models import Base
from db.session import alembic_config, create_engine, upgrade

TABLES = {"staff_accounts", "staff_credentials", "audit_events", "web_secrets", "checkins", "checkin_attempts",
          "broadcasts", "outbox", "registrations", "aftercare_answers", "certificates", "trainings"}


def _differences(connection: Connection) -> list[object]:
    found = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)

    def table_of(diff: object) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None:
                return str(table.name)
            if name in TABLES:
                return str(name)
        return None

    return [diff for diff in found if table_of(diff) in TABLES]


async def test_the_migrated_schema_matches_the_models(app: App) -> None:
    async with app.engine.connect() as connection:
        assert await connection.run_sync(_differences) == []


async def test_0004_keeps_existing_broadcasts_and_goes_back(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0003")
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO broadcasts (text, send_at, recipients, created_at) "
                "VALUES ('halo', '2026-11-23 03:00:00', 0, '2026-11-23 03:00:00')"))
        await upgrade(engine)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT text, organizer_id FROM broadcasts"))).all() == [
                ("halo", None)]

        def downgrade(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")

        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
            tables = set((await connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")))
                         .scalars())
        assert "staff_accounts" not in tables and "broadcasts" in tables
    finally:
        await engine.dispose()


async def test_0007_gives_existing_check_ins_their_local_day_and_goes_back(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    at = "'2026-11-23 16:30:00'"  # 00.30 WITA on the 24th, still the 23rd in UTC
    try:
        await upgrade(engine, "0006_registrants")
        async with engine.begin() as connection:
            for statement in (
                "INSERT INTO organizers (id, key, name) VALUES (1, 'bali', 'Dinas Bali')",
                "INSERT INTO trainings (id, code, title, craft, organizer_id, province, regency, venue, mode, "
                f"starts_at, ends_at, fee, contact, description, language, status, is_demo, published_at, updated_at) "
                f"VALUES (1, 'BL-1', 'Tenun', 'tenun', 1, '51', '51.04', 'Balai', 'offline', {at}, {at}, 0, '0361', "
                f"'-', 'id', 'published', 0, {at}, {at})",
                f"INSERT INTO registrations (id, code, training_id, status, created_at, updated_at) "
                f"VALUES (1, 'KR-1', 1, 'registered', {at}, {at})",
                f"INSERT INTO checkins (registration_id, checked_in_at) VALUES (1, {at})",
            ):
                await connection.execute(text(statement))
        await upgrade(engine)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT registration_id, day FROM checkins"))).all() == [
                (1, "2026-11-24")]
            await connection.execute(text("INSERT INTO checkins (registration_id, day, checked_in_at) "
                                          "VALUES (1, '2026-11-25', '2026-11-25 01:00:00')"))
            await connection.commit()

        def downgrade(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0006_registrants")

        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
            kept = (await connection.execute(text("SELECT registration_id, checked_in_at FROM checkins"))).all()
            tables = set((await connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")))
                         .scalars())
        assert [row[0] for row in kept] == [1] and str(kept[0][1]).startswith("2026-11-23 16:30")
        assert "checkin_attempts" not in tables
    finally:
        await engine.dispose()
