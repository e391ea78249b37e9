"""XLSX in and out: `kriya trainings import FILE.xlsx` (cells converted, rows numbered as the spreadsheet shows
them, hostile workbooks refused at once with one line) and `kriya registrations export --format xlsx`."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select, update

from bot.__main__ import _export
from bot.app import App
from bot.config import Settings
from bot.services.catalogue import (
    MAX_COLUMNS,
    MAX_ROWS,
    XLSX_MAX_MEMBERS,
    ImportFileError,
    check_rows,
    import_rows,
    read_rows,
)
from bot.services.exports import HEADER, header
from bot.services.templates import example_row, template_columns
from db.models import Artisan, Training
from tests.conftest import Chat
from tests.test_console import kriya
from tests.test_import_hostile import QUICK, SMALL, kriya_import, refusal_in_child
from tests.test_registration_chat import fill_form

SHEET_XML = "xl/worksheets/sheet1.xml"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def training(code: str, **changes: Any) -> list[Any]:
    """A row of the template's columns: the example, with another code and `changes`."""
    row = {**example_row(date(2026, 11, 23)), "code": code, "title": f"Pelatihan {code}", **changes}
    return list(row.values())


def workbook(path: Path, rows: Sequence[Sequence[Any]], header_row: Sequence[str] | None = None,
             patch: Callable[[str], str] | None = None, extra: Callable[[zipfile.ZipFile], None] | None = None) -> Path:
    """A workbook written by openpyxl (header, then `rows`; a row of None is an empty row), its sheet's XML
    then changed by `patch` and members added by `extra`, as hand-made or hostile files would be."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header_row or template_columns()))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == SHEET_XML and patch is not None:
                data = patch(data.decode()).encode()
            out.writestr(member.filename, data)
        if extra is not None:
            extra(out)
    return path


# -- reading ----------------------------------------------------------------------------------------------


def test_cells_are_converted_as_typed_and_rows_numbered_as_the_spreadsheet_shows_them(tmp_path: Path) -> None:
    columns = template_columns()
    path = workbook(tmp_path / "cells.xlsx", [
        training("XL-1", fee=150000.0, quota=20, starts_at=datetime(2027, 3, 15, 9, 30),
                 ends_at=datetime(2027, 3, 17, 16, 0), registration_deadline=datetime(2027, 3, 8), requirements=None),
        [None] * len(columns),  # row 3: empty, skipped
        ["  ", *([None] * (len(columns) - 1))],  # row 4: spaces only, skipped
        training("XL-2", fee=1.5, quota=True),
    ])
    rows = read_rows(path)
    assert [line for line, _row in rows] == [2, 5]
    first = rows[0][1]
    assert (first["fee"], first["quota"], first["requirements"]) == ("150000", "20", "")
    assert (first["starts_at"], first["ends_at"]) == ("2027-03-15 09:30", "2027-03-17 16:00")
    assert first["registration_deadline"] == "2027-03-08"  # a date alone: the end of that day, as in CSV
    assert rows[1][1]["fee"] == "1.5" and rows[1][1]["quota"] is True


async def test_an_edited_workbook_imports_its_good_rows_and_reports_every_reason_of_the_bad_one(
    app: App, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "edited.xlsx", [
        training("XL-2701-A"),
        [None] * len(template_columns()),
        training("XL-2701-B", province="Jawa Tengah", regency="Kota Pekalongan", fee="Rp 75.000"),
        training("XL-2701-C", craft="lukisan", fee="gratis"),
    ])
    async with app.sessionmaker() as session, session.begin():
        report = await import_rows(session, read_rows(path))
    assert sorted(report.created) == ["XL-2701-A", "XL-2701-B"]
    [error] = report.errors
    assert (error.line, error.code, len(error.reasons)) == (5, "XL-2701-C", 2)
    assert "craft 'lukisan'" in error.reasons[0] and "fee 'gratis'" in error.reasons[1]
    async with app.sessionmaker() as session:
        found = {t.code: t for t in (await session.execute(select(Training))).unique().scalars()}
    assert (found["XL-2701-B"].province, found["XL-2701-B"].regency, found["XL-2701-B"].fee) == ("33", "33.75", 75000)


def test_the_cli_imports_an_edited_workbook_with_exit_0_and_the_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = workbook(tmp_path / "edited.xlsx", [
        training("XL-2702-A"), training("XL-2702-B", starts_at="besok", quota=-3), training("XL-2702-C"),
    ])
    done = kriya(tmp_path, "trainings", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "imported 2 new, 0 updated, 1 rejected" in done.stdout
    [line] = [line for line in done.stderr.splitlines() if line.startswith("edited.xlsx:")]
    assert line.startswith("edited.xlsx:3: XL-2702-B: ")
    assert "starts_at 'besok'" in line and "quota '-3' is not a whole number" in line


def _formula_with_cached_value(xml: str) -> str:
    return xml.replace('<c r="B2"><f>UPPER("judul dari rumus")</f><v /></c>',
                       '<c r="B2" t="str"><f>UPPER("judul dari rumus")</f><v>JUDUL DARI RUMUS</v></c>')


def test_formulas_count_by_their_saved_value_and_a_formula_without_one_refuses_its_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "formulas.xlsx", [
        training("XL-F1", title='=UPPER("judul dari rumus")'),  # saved value patched in, as Excel saves it
        training("XL-F2", title="=1+1", fee="=SUM(1,2)"),  # as openpyxl saves it: no value
    ], patch=_formula_with_cached_value)
    rows = dict(read_rows(path))
    assert rows[2]["title"] == "JUDUL DARI RUMUS"
    good, errors = check_rows(list(rows.items()))
    assert [g["code"] for g in good] == ["XL-F1"]
    [error] = errors
    assert error.line == 3 and error.reasons == [
        "title is a formula without a saved value: type the value itself",
        "fee is a formula without a saved value: type the value itself",
    ]


def test_an_error_cell_refuses_its_row(tmp_path: Path) -> None:
    path = workbook(tmp_path / "errors.xlsx", [training("XL-E1", fee=5)],
                    patch=lambda xml: xml.replace('<c r="M2" t="n"><v>5</v></c>', '<c r="M2" t="e"><v>#DIV/0!</v></c>'))
    [(line, row)] = read_rows(path)
    _good, [error] = check_rows([(line, row)])
    assert error.reasons == ["fee is a spreadsheet error: type the value itself"]


def test_a_workbook_without_the_required_columns_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "columns.xlsx", [["X-1", "judul"]], header_row=["code", "title"])
    with pytest.raises(ImportFileError, match="missing column"):
        read_rows(path)


# -- hostile workbooks ------------------------------------------------------------------------------------


def _bomb(out: zipfile.ZipFile) -> None:
    with out.open("xl/media/image1.png", "w") as member:  # 200 MB of zeros, about 200 KB packed
        chunk = bytes(1024 * 1024)
        for _ in range(200):
            member.write(chunk)


def _many_members(out: zipfile.ZipFile) -> None:
    for number in range(XLSX_MAX_MEMBERS):
        out.writestr(f"xl/media/image{number}.png", b"")


def _far_cell(row: int, column: int) -> Callable[[str], str]:
    letters = openpyxl.utils.get_column_letter(column)
    return lambda xml: xml.replace("</sheetData>", f'<row r="{row}"><c r="{letters}{row}" t="inlineStr">'
                                   "<is><t>x</t></is></c></row></sheetData>")


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY a "lollollollollollollollollollol">'
          + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi", strict=True))
          + "]>")


def _hostile(kind: str, path: Path) -> Path:
    good_rows = [training("XL-H1")]
    if kind == "zip bomb":
        return workbook(path, good_rows, extra=_bomb)
    if kind == "not a zip":
        path.write_bytes(b"code,title\nX-1,renamed CSV\n")
        return path
    if kind == "random bytes":
        path.write_bytes(bytes(range(256)) * 40)
        return path
    if kind == "zip, not a workbook":
        with zipfile.ZipFile(path, "w") as out:
            out.writestr("readme.txt", "hello")
        return path
    if kind == "broken workbook":
        workbook(path, good_rows)
        data = {m.filename: zipfile.ZipFile(path).read(m) for m in zipfile.ZipFile(path).infolist()}
        data["xl/workbook.xml"] = b"<not xml"
        with zipfile.ZipFile(path, "w") as out:
            for name, content in data.items():
                out.writestr(name, content)
        return path
    if kind == "too many members":
        return workbook(path, good_rows, extra=_many_members)
    if kind == "a row too many":
        return workbook(path, good_rows, patch=_far_cell(MAX_ROWS + 2, 1))
    if kind == "the last row of Excel":
        return workbook(path, good_rows, patch=_far_cell(1_048_576, 1))
    if kind == "a column too many":
        return workbook(path, good_rows, patch=_far_cell(3, MAX_COLUMNS + 1))
    if kind == "XML entities":
        return workbook(path, good_rows, patch=lambda xml: LAUGHS + xml.replace("<t>XL-H1</t>", "<t>&i;</t>"))
    raise AssertionError(kind)


HOSTILE = ["zip bomb", "not a zip", "random bytes", "zip, not a workbook", "broken workbook", "too many members",
           "a row too many", "the last row of Excel", "a column too many", "XML entities"]


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_workbook_is_refused_at_once_with_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    path = _hostile(kind, tmp_path / "hostile.xlsx")
    assert path.stat().st_size < 1024 * 1024
    refusal = refusal_in_child(path)
    print(f"\n{kind}: {refusal}")
    assert refusal["refused"] and refusal["seconds"] < QUICK and refusal["peak"] < SMALL
    status, stderr, _seconds = kriya_import(path, tmp_path / "kriya.db")
    assert status == 2, stderr
    assert len(stderr) == 1 and "Traceback" not in stderr[0] and len(stderr[0]) < 400
    assert stderr[0].startswith("kriya: hostile.xlsx")


# -- export -----------------------------------------------------------------------------------------------


async def test_the_xlsx_export_is_text_only_never_a_formula_and_shows_place_names(
    demo_app: App, database_url: str, tmp_path: Path
) -> None:
    for number, business in enumerate(("=1+1", "+cmd|' /C calc'!A0", "Batik Sari")):
        chat = Chat(demo_app, user=f"62812000001{number:02d}", name=f"Perajin {number}")
        await fill_form(chat, name=f"Sari Wulandari {'abc'[number]}", phone=f"0812-3456-79{number:02d}",
                        business=business)
        await chat.tap("Ya, daftar")
    async with demo_app.sessionmaker() as session, session.begin():  # as data stored by another door would be
        await session.execute(update(Artisan).where(Artisan.business_name == "Batik Sari")
                              .values(full_name="@SUM(A1)\x01", crafts=["-batik"]))
    path = tmp_path / "pendaftar.xlsx"
    await _export(Settings(database_url=database_url), None, "id", "xlsx", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(header("id")) and all(cell.font.b for cell in sheet[1])
    assert len(rows) == 4
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    assert [cell.value for cell in cells if str(cell.value or "").startswith(FORMULA_STARTS)] == []
    column = {name: [row[i] for row in rows[1:]] for i, name in enumerate(HEADER)}
    assert sorted(column["business_name"]) == sorted(["'=1+1", "'+cmd|' /C calc'!A0", "Batik Sari"])
    assert "'@SUM(A1)\ufffd" in column["full_name"] and "'-batik" in column["crafts"]
    assert set(column["regency"]) == {"Kabupaten Sleman"}
    assert all(phone.startswith("'+62812345679") for phone in column["phone"])
    widths = [d.width for d in sheet.column_dimensions.values()]
    assert len(widths) == len(HEADER) and all(8 <= w <= 60 for w in widths)


def test_the_export_command_writes_xlsx_to_a_file_only(tmp_path: Path) -> None:
    seeded = kriya(tmp_path, "seed", "--demo")
    assert seeded.returncode == 0, seeded.stderr
    done = kriya(tmp_path, "registrations", "export", "--format", "xlsx", "--output", "r.xlsx", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and "written to" in done.stderr
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert [c.value for c in sheet[1]] == list(header("en"))
    nowhere = kriya(tmp_path, "registrations", "export", "--format", "xlsx")
    assert nowhere.returncode == 2 and "--output" in nowhere.stderr
    csv_file = kriya(tmp_path, "registrations", "export", "--output", "r.csv")
    assert csv_file.returncode == 0 and (tmp_path / "r.csv").read_text().startswith("Pelatihan,")
