"""`kriya registrations export`: registrants as CSV whose cells a spreadsheet never reads as formulas."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, update

from bot.__main__ import _export
from bot.app import App
from bot.config import Settings
from bot.services.exports import HEADER, header, spreadsheet_rows, spreadsheet_safe, write_csv
from db.models import Artisan
from tests.conftest import Chat
from tests.test_registration_chat import fill_form

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BUSINESS_NAMES = ("=1+1", "+cmd|' /C calc'!A0", "@SUM(A1:A9)", "-2+3")


def dangerous(cell: str) -> bool:
    return cell.startswith(TRIGGERS)


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+1", "'=1+1"), ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"), ("-2+3", "'-2+3"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("\n=1", "'\n=1"), ("\0", "'\0"), ("  =1+1", "'  =1+1"),
    ("\uff1d1+1", "'\uff1d1+1"), ("\uff0bcmd", "'\uff0bcmd"), ("+6281234567890", "'+6281234567890"),
    ("Batik Sari", "Batik Sari"), ("1+1", "1+1"), ("a=1", "a=1"), ("", ""), (None, ""), (12, "12"), (-3, "'-3"),
    ("'=1", "'=1"),
])
def test_spreadsheet_safe_quotes_what_a_spreadsheet_would_compute(value: object, safe: str) -> None:
    assert spreadsheet_safe(value) == safe


def test_every_writer_goes_through_the_one_rule() -> None:
    rows = [HEADER, ("BTK-YK-01", "KR-AAAAAA", "registered", "2026-11-23T03:00:00+00:00", "@SUM(A1)",
                     "+6281234567890", "batik", "=1+1", "-2+3")]
    assert spreadsheet_rows(rows)[1][4:] == ["'@SUM(A1)", "'+6281234567890", "batik", "'=1+1", "'-2+3"]
    out = io.StringIO()
    write_csv(rows, out)
    parsed = list(csv.reader(io.StringIO(out.getvalue())))
    assert parsed[0] == list(HEADER)
    assert not [cell for row in parsed for cell in row if dangerous(cell)]


async def test_the_export_command_neutralises_names_typed_in_chat(
    demo_app: App, database_url: str, capsys: pytest.CaptureFixture[str],
) -> None:
    for number, business in enumerate(BUSINESS_NAMES):
        chat = Chat(demo_app, user=f"62812000000{number:02d}", name=f"Perajin {number}")
        await fill_form(chat, name=f"Sari Wulandari {'abcd'[number]}", phone=f"0812-3456-78{number:02d}",
                        business=business)
        await chat.tap("Ya, daftar")
    # The chat refuses a name like "@SUM(A1)" and a region no button offers, so those arrive the way data stored
    # before this check (or by another door) would: straight in the database.
    async with demo_app.sessionmaker() as session, session.begin():
        first = (await session.execute(select(Artisan).where(Artisan.business_name == "=1+1"))).scalar_one()
        await session.execute(update(Artisan).where(Artisan.id == first.id)
                              .values(full_name="@SUM(A1)", regency="=1+1", province="=1+1"))
        await session.execute(update(Artisan).where(Artisan.business_name == "-2+3")
                              .values(full_name="\t=HYPERLINK(\"http://x\")", crafts=["-batik"]))
        await session.execute(update(Artisan).where(Artisan.business_name == "@SUM(A1:A9)")
                              .values(full_name="\r=1+1"))
    capsys.readouterr()
    await _export(Settings(database_url=database_url), None)
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == list(header("id"))  # the CLI's default: Indonesian
    body = rows[1:]
    assert len(body) == len(BUSINESS_NAMES)
    assert [cell for row in rows for cell in row if dangerous(cell)] == []
    column = {name: [row[i] for row in body] for i, name in enumerate(HEADER)}
    assert sorted(column["business_name"]) == sorted("'" + name for name in BUSINESS_NAMES)
    assert "'@SUM(A1)" in column["full_name"] and "'\r=1+1" in column["full_name"]
    assert "'=1+1" in column["regency"] and "'-batik" in column["crafts"]
    assert all(phone.startswith("'+62812345678") for phone in column["phone"])  # still readable, as text
    assert all(row[0] == "BTK-YK-01" and row[1].startswith("KR-") for row in body)  # safe cells stay as they are


async def test_the_export_shows_place_names_and_a_header_in_the_chosen_language(
    demo_app: App, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    chat = Chat(demo_app, user="6281299990000")
    await fill_form(chat, name="Sri Rahayu", phone="0812 9999 0000", region="Sleman", business=None)
    await chat.tap("Ya, daftar")
    for language, place, craft in (("id", "Kabupaten Sleman", "Batik"), ("en", "Kabupaten Sleman", "Batik")):
        capsys.readouterr()
        await _export(Settings(database_url=database_url), "BTK-YK-01", language)
        rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
        assert rows[0] == list(header(language)) and rows[0] != list(header("en" if language == "id" else "id"))
        [row] = rows[1:]
        assert row[HEADER.index("regency")] == place and "34.04" not in row
        assert craft in row[HEADER.index("crafts")] and "batik" not in row[HEADER.index("crafts")].split()
