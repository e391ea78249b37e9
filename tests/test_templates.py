"""`kriya trainings template`: the file organizers fill in imports as it is, in CSV and in XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from bot.app import App
from bot.regions import zone_of
from bot.services.catalogue import COLUMNS, OPTIONAL, import_rows, read_rows
from bot.services.templates import (
    DEFAULT_XLSX_NAME,
    EXAMPLE_CODE,
    GUIDE,
    GUIDE_SHEET,
    example_row,
    template_columns,
    write_template_xlsx,
)
from db.models import Training
from tests.test_console import kriya


def test_the_columns_come_from_the_importer_and_each_has_its_guidance() -> None:
    columns = template_columns()
    assert columns[: len(COLUMNS)] == list(COLUMNS) and set(columns) == set(COLUMNS) | OPTIONAL
    assert set(GUIDE) == set(columns)  # a new import column needs its line in the "Petunjuk" sheet
    example = example_row(date(2026, 11, 23))
    assert example["code"] == EXAMPLE_CODE and example["title"].startswith("CONTOH")
    assert example["starts_at"] == datetime(2027, 1, 15, 9, 0)  # the 15th of the month after next
    assert example_row(date(2026, 10, 31))["starts_at"].month == 12


def test_the_csv_template_goes_to_stdout_and_imports_as_it_is(tmp_path: Path) -> None:
    done = kriya(tmp_path, "trainings", "template")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == template_columns() and len(rows) == 2 and rows[1][0] == EXAMPLE_CODE
    path = tmp_path / "pelatihan.csv"
    path.write_text(done.stdout, encoding="utf-8")
    imported = kriya(tmp_path, "trainings", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 new, 0 updated, 0 rejected" in imported.stdout
    listed = kriya(tmp_path, "trainings", "list")
    line = next(line for line in listed.stdout.splitlines() if line.startswith(EXAMPLE_CODE))
    assert "09:00 WIB" in line and "Kabupaten Sleman" in line


def test_the_xlsx_template_has_a_guide_and_imports_as_it_is(tmp_path: Path) -> None:
    done = kriya(tmp_path, "trainings", "template", "--format", "xlsx")
    assert done.returncode == 0, done.stderr
    path = tmp_path / DEFAULT_XLSX_NAME
    assert str(path) in done.stdout  # says where it went
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Pelatihan", GUIDE_SHEET]
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == template_columns()
    assert all(c.font.b for c in sheet[1])
    starts = sheet.cell(row=2, column=template_columns().index("starts_at") + 1)
    assert isinstance(starts.value, datetime) and starts.number_format == "yyyy-mm-dd hh:mm"
    widths = {letter: d.width for letter, d in sheet.column_dimensions.items()}
    assert len(widths) == len(template_columns()) and all(8 <= w <= 60 for w in widths.values())
    assert widths["B"] > 30  # the example title can be read without widening the column
    guide = workbook[GUIDE_SHEET]
    rows = list(guide.iter_rows(values_only=True))
    assert rows[0] == ("Kolom", "Wajib?", "Cara mengisi", "Contoh") and all(c.font.b for c in guide[1])
    by_column = {row[0]: row for row in rows[1:] if row[1]}
    assert set(by_column) == set(template_columns())
    assert by_column["code"][1] == "wajib" and by_column["quota"][1] == "boleh kosong"
    assert "2027-03-15 09:00" in by_column["starts_at"][2] and "WITA" in by_column["starts_at"][2]
    assert "Jawa Tengah" in by_column["province"][2] and "Kabupaten Sleman" in by_column["regency"][2]
    assert "0 = gratis" in by_column["fee"][2] and "tanpa batas" in by_column["quota"][2]
    assert "batik" in by_column["craft"][2] and "hybrid" in by_column["mode"][2]
    assert "32" in by_column["code"][2]

    imported = kriya(tmp_path, "trainings", "import", str(path))
    assert imported.returncode == 0, imported.stderr
    assert "imported 1 new, 0 updated, 0 rejected" in imported.stdout

    again = kriya(tmp_path, "trainings", "template", "--format", "xlsx")  # the filled-in one is never written over
    assert again.returncode == 2 and "exists" in again.stderr and "--output" in again.stderr
    chosen = kriya(tmp_path, "trainings", "template", "--format", "xlsx", "--output", "lain.xlsx")
    assert chosen.returncode == 0 and (tmp_path / "lain.xlsx").is_file()
    into = kriya(tmp_path, "trainings", "template", "--output", "t.csv")
    assert into.returncode == 0 and (tmp_path / "t.csv").read_text().startswith("code,title,")
    nowhere = kriya(tmp_path, "trainings", "template", "--format", "xlsx", "--output", "no/such/dir/t.xlsx")
    assert nowhere.returncode == 2 and len(nowhere.stderr.splitlines()) == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
async def test_the_example_goes_in_with_its_places_and_local_times(app: App, tmp_path: Path, kind: str) -> None:
    today = date(2026, 11, 23)
    path = tmp_path / f"template.{kind}"
    if kind == "xlsx":
        write_template_xlsx(path, today)
    else:
        from bot.services.templates import write_template_csv

        with path.open("w", encoding="utf-8", newline="") as out:
            write_template_csv(out, today)
    async with app.sessionmaker() as session, session.begin():
        report = await import_rows(session, read_rows(path))
    assert report.created == [EXAMPLE_CODE] and report.errors == []
    async with app.sessionmaker() as session:
        training = (await session.execute(select(Training))).unique().scalar_one()
    assert (training.province, training.regency, training.fee, training.quota) == ("34", "34.04", 0, 20)
    wib = zone_of("34").zone
    assert training.starts_at.astimezone(wib).replace(tzinfo=None) == datetime(2027, 1, 15, 9, 0)
    assert training.ends_at.astimezone(wib).replace(tzinfo=None) == datetime(2027, 1, 17, 16, 0)
    assert training.registration_deadline is not None
    assert training.registration_deadline.astimezone(wib).replace(tzinfo=None) == datetime(2027, 1, 8, 23, 59)
