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

TABLES = {"staff_accounts", "staff_credentials", "audit_events", "web_secrets", "checkins", "broadcasts", "outbox",
          "registrations", "aftercare_answers", "certificates", "trainings"}


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
