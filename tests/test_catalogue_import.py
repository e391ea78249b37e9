"""`kriya trainings import`: CSV and YAML, upsert by code, bad rows reported, written in short batches."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.services.catalogue import ImportFileError, import_rows, read_rows
from bot.services.reminders import Policy
from db.models import Organizer, Training
from tests.conftest import Chat, Clock

HEADER = ("code,title,craft,organizer,province,regency,venue,mode,starts_at,ends_at,registration_deadline,"
          "quota,fee,contact,description,requirements\n")


def good(code: str = "BTK-2612-YK", **changes: str) -> str:
    row = {
        "code": code, "title": "Pewarnaan batik", "craft": "batik", "organizer": "BBSPJIKB", "province": "34",
        "regency": "34.71", "venue": "Jl. Kusumanegara 7", "mode": "offline", "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-09T16:00", "registration_deadline": "2026-12-01", "quota": "20", "fee": "150.000",
        "contact": "0274-546111", "description": "Kelas pewarnaan alam.", "requirements": "",
    }
    row.update(changes)
    return ",".join(f'"{v}"' for v in row.values()) + "\n"


YAML_ROW = textwrap.dedent("""\
      - code: {code}
        title: {title}
        craft: tenun
        organizer: Disperindag NTT
        province: "53"
        venue: Kupang
        mode: offline
        starts_at: 2027-01-10T08:00:00
        ends_at: 2027-01-12T16:00:00
        fee: {fee}
        contact: kantor
        description: Tenun ikat Sikka.
    """)


def yaml_row(code: str, title: str = "Tenun ikat", fee: str = "0") -> str:
    return YAML_ROW.format(code=code, title=title, fee=fee)


async def run(app: App, path: Path):
    async with app.sessionmaker() as session, session.begin():
        return await import_rows(session, read_rows(path))


async def trainings(app: App) -> dict[str, Training]:
    async with app.sessionmaker() as session:
        return {t.code: t for t in (await session.execute(select(Training))).scalars()}


async def test_csv_rows_go_in_with_local_times_and_bad_rows_are_reported(app: App, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER
        + good()
        + good("PRK-2612-GNR", province="51", regency="51.04", starts_at="2026-12-05T09:00", fee="0")
        + good("BAD-1", craft="lukisan")
        + good("BAD-2", province="34", regency="51.04")
        + good("BAD-3", starts_at="besok")
        + good("BAD-4", ends_at="2026-12-01T10:00")
        + good("BAD-5", quota="-3")
        + good("BTK-2612-YK", title="duplicate in the same file")
    )
    report = await run(app, path)
    assert sorted(report.created) == ["BTK-2612-YK", "PRK-2612-GNR"]
    reasons = {(e.line, e.code): e.reason for e in report.errors}
    assert "craft 'lukisan'" in reasons[(4, "BAD-1")]
    assert "regency '51.04'" in reasons[(5, "BAD-2")]
    assert "starts_at 'besok'" in reasons[(6, "BAD-3")]
    assert "not after starts_at" in reasons[(7, "BAD-4")]
    assert "quota" in reasons[(8, "BAD-5")]
    assert "already appears on line 2" in reasons[(9, "BTK-2612-YK")]
    found = await trainings(app)
    assert set(found) == {"BTK-2612-YK", "PRK-2612-GNR"}
    # 09:00 local: WIB is UTC+7 in Yogyakarta, WITA UTC+8 in Gianyar.
    assert found["BTK-2612-YK"].starts_at == datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    assert found["PRK-2612-GNR"].starts_at == datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    assert found["BTK-2612-YK"].fee == 150000 and found["BTK-2612-YK"].quota == 20
    assert found["BTK-2612-YK"].registration_deadline == datetime(2026, 12, 1, 16, 59, tzinfo=UTC)


async def test_reimporting_a_code_updates_it(app: App, tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + good())
    await run(app, path)
    path.write_text(HEADER + good(title="Pewarnaan batik alam", starts_at="2026-12-06T09:00+07:00"))
    report = await run(app, path)
    assert report.updated == ["BTK-2612-YK"] and report.created == [] and len(report.moved) == 1
    found = await trainings(app)
    assert len(found) == 1 and found["BTK-2612-YK"].title == "Pewarnaan batik alam"
    async with app.sessionmaker() as session:
        assert len((await session.execute(select(Organizer))).scalars().all()) == 1


async def test_yaml_rows_report_their_line(app: App, tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("trainings:\n" + yaml_row("TNN-2701-NTT") + textwrap.dedent("""\
          - code: TNN-2701-X
            title: tanpa tanggal
            craft: tenun
            organizer: X
            province: "53"
            venue: Kupang
            fee: 0
            contact: kantor
            description: x
        """))
    report = await run(app, path)
    assert report.created == ["TNN-2701-NTT"]
    assert [(e.line, e.code) for e in report.errors] == [(14, "TNN-2701-X")]
    assert "starts_at and ends_at are required" in report.errors[0].reason
    found = await trainings(app)
    assert found["TNN-2701-NTT"].starts_at == datetime(2027, 1, 10, 0, 0, tzinfo=UTC)  # 08.00 WITA


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("t.txt", "x", "use a .csv, .yaml or .yml file"),
        ("t.csv", "code,title\nA-1,x\n", "missing column(s)"),
        ("t.yaml", "trainings: [a, [b", "not valid YAML"),
        ("t.yaml", "just: text", "expected a list of trainings"),
    ],
)
def test_unreadable_files_are_refused_as_a_whole(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_rows(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="file not found"):
        read_rows(tmp_path / "nope.csv")


async def test_a_large_import_commits_in_short_batches(app: App, tmp_path: Path) -> None:
    from sqlalchemy import event

    from bot.services.catalogue import BATCH_ROWS, import_in_batches

    rows = BATCH_ROWS * 3 + 10
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "".join(good(f"BTK-{i:04d}-YK", organizer=f"Dinas {i % 9}") for i in range(rows)))
    commits: list[int] = []
    event.listen(app.engine.sync_engine, "commit", lambda _connection: commits.append(1))
    report = await import_in_batches(app.sessionmaker, read_rows(path))
    assert len(report.created) == rows and not report.errors
    assert len(commits) >= 4  # one transaction per batch of at most BATCH_ROWS rows
    assert len(await trainings(app)) == rows
    async with app.sessionmaker() as session:
        assert len((await session.execute(select(Organizer))).scalars().all()) == 9


async def test_moved_and_cancelled_trainings_are_announced_batch_by_batch(
    chat: Chat, demo_app: App, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.services import catalogue
    from bot.services.catalogue import saving
    from db.models import OutboxMessage, Reminder
    from tests.test_registration_chat import fill_form

    await fill_form(chat)
    await chat.tap("Ya, daftar")
    monkeypatch.setattr(saving, "CHANGES_PER_BATCH", 1)  # where the batches read it
    async with demo_app.sessionmaker() as session:
        found = (await session.execute(select(Training).where(Training.is_demo.is_(True)))).unique().scalars().all()
        rows = []
        for number, training in enumerate(found, 2):
            row = {c: getattr(training, c) for c in ("code", "title", "craft", "province", "regency", "venue",
                                                     "mode", "fee", "contact", "description", "quota")}
            row.update(organizer="BBSPJIKB", starts_at=training.starts_at + timedelta(days=2),
                       ends_at=training.ends_at + timedelta(days=2))
            rows.append((number, row))
    report = await catalogue.import_in_batches(demo_app.sessionmaker, rows, now=clock(), policy=Policy(),
                                               batch_rows=2)
    assert len(report.moved) == len(found) and not report.errors
    async with demo_app.sessionmaker() as session:
        notices = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "notice"))).scalars().all()
        pending = (await session.execute(select(Reminder).where(Reminder.status == "pending"))).scalars().all()
    assert len(notices) == 1 and "berubah" in notices[0].body["text"]
    assert pending and all(r.due_at > clock() for r in pending)


@pytest.mark.parametrize(("province", "regency", "stored"), [
    ("DI Yogyakarta", "Sleman", ("34", "34.04")),
    ("Daerah Istimewa Yogyakarta", "Kab. Sleman", ("34", "34.04")),
    ("jogja", "Kota Yogyakarta", ("34", "34.71")),
    ("Jawa Tengah", "Kota Pekalongan", ("33", "33.75")),
    ("Jawa Tengah", "kabupaten pekalongan", ("33", "33.26")),
    ("33", "Batang", ("33", "33.25")),
    ("Bali", "", ("51", None)),
])
async def test_province_and_regency_take_names_as_people_write_them(
    app: App, tmp_path: Path, province: str, regency: str, stored: tuple[str, str | None]
) -> None:
    path = tmp_path / "names.csv"
    path.write_text(HEADER + good("NAMA-1", province=province, regency=regency))
    report = await run(app, path)
    assert report.errors == []
    training = (await trainings(app))["NAMA-1"]
    assert (training.province, training.regency) == stored


@pytest.mark.parametrize(("province", "regency"), [
    ("Jawa Tengah", "Pekalongan"),  # Kota or Kabupaten? asked, not guessed
    ("Sleman", ""),  # a regency is not a province
    ("Jawa Tengah", "Kabupaten Sleman"),  # not inside that province
    ("Atlantis", ""),
])
async def test_unclear_places_are_refused_with_a_reason(app: App, tmp_path: Path, province: str,
                                                        regency: str) -> None:
    path = tmp_path / "names.csv"
    path.write_text(HEADER + good("NAMA-2", province=province, regency=regency) + good("NAMA-3"))
    report = await run(app, path)
    assert [error.line for error in report.errors] == [2]
    assert "NAMA-3" in await trainings(app) and "NAMA-2" not in await trainings(app)
