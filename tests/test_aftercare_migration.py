"""Migration 0009_aftercare (with those before it) goes forward and back on SQLite, keeping the trainings it found."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.session import alembic_config, create_engine, upgrade


async def test_0009_adds_the_aftercare_tables_and_goes_back(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0006_registrants")
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO organizers (key, name) VALUES ('o', 'Dinas')"))
            await connection.execute(text(
                "INSERT INTO trainings (code, title, craft, organizer_id, province, venue, mode, starts_at, ends_at, "
                "fee, contact, description, language, status, is_demo, published_at, updated_at) VALUES ('T-1', "
                "'Batik', 'batik', 1, '34', 'Balai', 'offline', '2026-11-23 02:00:00', '2026-11-25 09:00:00', 0, "
                "'0274', 'x', 'id', 'published', 0, '2026-11-01 00:00:00', '2026-11-01 00:00:00')"))
        await upgrade(engine)

        def tables(connection: Connection) -> set[str]:
            return set(connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).scalars())

        async with engine.connect() as connection:
            assert {"aftercare_answers", "certificates"} <= await connection.run_sync(tables)
            assert (await connection.execute(text("SELECT code, certificate_days FROM trainings"))).all() == [
                ("T-1", None)]

        def downgrade(connection: Connection) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0006_registrants")

        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
            left = await connection.run_sync(tables)
            assert "certificates" not in left and "aftercare_answers" not in left and "trainings" in left
            assert (await connection.execute(text("SELECT code FROM trainings"))).scalars().all() == ["T-1"]
    finally:
        await engine.dispose()
