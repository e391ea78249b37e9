"""Registrant lists for organizers (`kriya registrations export`), and the one rule every spreadsheet export
follows: no cell may start a formula."""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crafts import craft_name
from bot.genders import gender_name
from bot.i18n import _, use_language
from bot.regions import region_name
from bot.services import checkins
from db.models import Artisan, Registration, Training

logger = logging.getLogger(__name__)

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and Google Sheets:
# OWASP "CSV Injection" and ASVS 1.2.10 list = + - @, tab, carriage return and NUL; a line feed is added.
FORMULA_STARTS = frozenset("=+-@\t\r\n\0")


def spreadsheet_safe(value: object) -> str:
    """The cell's text, prefixed with a single quote when a spreadsheet would read it as a formula.

    Checked on the first character after leading spaces, and in its NFKC form too (a full-width '＝' is
    read as '=' by some spreadsheets). A quoted cell shows as text: '+6281234567890 stays readable.
    Every writer of spreadsheet files (CSV now, XLSX later) passes each cell through here."""
    text = "" if value is None else str(value)
    first = text.lstrip(" ")[:1]
    if first and (first in FORMULA_STARTS or unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS):
        return "'" + text
    return text


def spreadsheet_rows(rows: Iterable[Sequence[object]]) -> list[list[str]]:
    """Every cell of `rows` made safe for a spreadsheet (see `spreadsheet_safe`)."""
    return [[spreadsheet_safe(cell) for cell in row] for row in rows]


def write_csv(rows: Iterable[Sequence[object]], out: TextIO) -> None:
    """The rows as CSV (RFC 4180 quoting by the csv module), every cell neutralised first."""
    csv.writer(out).writerows(spreadsheet_rows(rows))


# Characters an XLSX (XML 1.0) cell cannot hold: C0 controls other than tab, line feed and carriage return, and
# lone surrogates. openpyxl refuses them; the export shows U+FFFD in their place.
XLSX_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
XLSX_MAX_WIDTH = 60  # characters: a long description wraps the column no wider than this
XLSX_MIN_WIDTH = 8


def column_widths(rows: Sequence[Sequence[object]]) -> list[float]:
    """Readable column widths (in characters) for `rows`: the longest line of each column, within bounds."""
    widths: list[float] = []
    for row in rows:
        for index, cell in enumerate(row):
            longest = max((len(line) for line in str("" if cell is None else cell).splitlines()), default=0)
            if index == len(widths):
                widths.append(XLSX_MIN_WIDTH)
            widths[index] = min(max(widths[index], longest + 2), XLSX_MAX_WIDTH)
    return widths


def style_sheet(sheet: Any, rows: Sequence[Sequence[object]]) -> None:
    """Header row bold and frozen, columns as wide as their content (within bounds)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1] if rows else ():
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(column_widths(rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def save_workbook(workbook: Any, path: Path) -> None:
    """Written next to `path` first and then moved over it: never a half-written file under its name."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_xlsx(rows: Sequence[Sequence[object]], path: Path, title: str = "Registrants") -> None:
    """The rows as a one-sheet XLSX workbook: every cell neutralised by `spreadsheet_rows` and stored as a
    string (never a formula, never a number a spreadsheet would reformat), header bold, widths readable."""
    save_workbook(_workbook(rows, title), path)


def xlsx_bytes(rows: Sequence[Sequence[object]], title: str = "Registrants") -> bytes:
    """The workbook of `write_xlsx`, as the bytes of a download."""
    out = io.BytesIO()
    _workbook(rows, title).save(out)
    return out.getvalue()


def book_bytes(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> bytes:
    """A workbook of several sheets (title, rows), each made like `write_xlsx`'s one, as download bytes."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        _fill(workbook.create_sheet(), rows, title)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _workbook(rows: Sequence[Sequence[object]], title: str) -> Any:
    from openpyxl import Workbook

    workbook = Workbook()
    _fill(workbook.active, rows, title)
    return workbook


SHEET_TITLE_UNSAFE = re.compile(r"[\\/?*\[\]:]")  # characters a sheet's title may not hold


def _fill(sheet: Any, rows: Sequence[Sequence[object]], title: str) -> None:
    """One sheet: every cell neutralised and stored as a string, header bold and frozen, widths readable."""
    safe = [[XLSX_ILLEGAL_RE.sub("\ufffd", cell) for cell in row] for row in spreadsheet_rows(rows)]
    sheet.title = SHEET_TITLE_UNSAFE.sub("-", title)[:31]
    for row_number, row in enumerate(safe, start=1):
        for column, text in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = text
            cell.data_type = "s"  # set after the value: openpyxl would take a text starting with '=' as a formula
    style_sheet(sheet, safe)


HEADER = ("training", "registration", "status", "registered_at", "full_name", "phone", "crafts", "regency",
          "business_name", "gender")


def header(language: str | None = None) -> tuple[str, ...]:
    """The export's column names in the organizer's language (the machine names without one)."""
    if language is None:
        return HEADER
    with use_language(language):
        return (_("Pelatihan"), _("Kode pendaftaran"), _("Status"), _("Waktu daftar"), _("Nama lengkap"),
                _("Nomor HP"), _("Kerajinan"), _("Kabupaten/kota"), _("Nama usaha"), _("Jenis kelamin"))


def _status(status: str, language: str | None) -> str:
    if language is None:
        return status
    with use_language(language):
        return {"registered": _("terdaftar"), "waitlisted": _("daftar tunggu"),
                "cancelled": _("dibatalkan")}.get(status, status)


def _crafts(crafts: list[str] | None, language: str | None) -> str:
    if language is None:
        return " ".join(crafts or [])
    with use_language(language):
        return ", ".join(craft_name(c) for c in crafts or [])


def _gender(code: str | None, language: str | None) -> str:
    if language is None or not code:
        return code or ""
    with use_language(language):
        return gender_name(code)


def _regency(code: str | None, language: str | None) -> str:
    if language is None:
        return code or ""
    return region_name(code) or code or ""


async def registrants(session: AsyncSession, training_code: str | None = None,
                      language: str | None = None, only: Collection[int] | None = None) -> list[tuple[str, ...]]:
    """The header and one row per live registration (not cancelled), by training then time; with `only`, the
    registrations of those ids whatever their status (what the console's filters show). With `language`
    the header, statuses, crafts and places are words in that language (Kabupaten Sleman, not 34.04); without,
    the raw values. Write them with `write_csv` (or another writer built on `spreadsheet_rows`)."""
    query = (
        select(Training.code, Registration, Artisan)
        .join(Training, Training.id == Registration.training_id)
        .outerjoin(Artisan, Artisan.id == Registration.artisan_id)
        .where(Artisan.is_demo.is_not(True))
        .order_by(Training.code, Registration.status, Registration.created_at)
    )
    if only is None:
        query = query.where(Registration.status != "cancelled")
    if training_code:
        query = query.where(func.upper(Training.code) == training_code.upper())
    rows: list[tuple[str, ...]] = [header(language)]
    for code, registration, person in (await session.execute(query)).all():
        if only is not None and registration.id not in only:
            continue
        rows.append((
            code, registration.code, _status(registration.status, language),
            registration.created_at.isoformat(timespec="seconds"),
            (person.full_name or "") if person else "", (person.phone or "") if person else "",
            _crafts(person.crafts, language) if person else "", _regency(person.regency, language) if person else "",
            (person.business_name or "") if person else "", _gender(person.gender if person else None, language),
        ))
    return rows


def attendance_header(language: str, days: Sequence[date] = ()) -> tuple[str, ...]:
    """The attendance sheet's header: the person's columns, then one column per day of the training."""
    with use_language(language):
        return (_("Kode pendaftaran"), _("Nama lengkap"), _("Nomor HP"), _("Kabupaten/kota"), _("Kerajinan"),
                _("Status"), *(f"{_('Waktu hadir')} {day:%Y-%m-%d}" for day in days))


async def attendance(session: AsyncSession, training: Training, language: str) -> list[tuple[str, ...]]:
    """The attendance sheet of one training: its live registrants (seated first, then the waitlist, each in the
    order they registered) with their check-in time on each day of the training, in its own zone (blank: did not
    come that day)."""
    zone = checkins.zone_for(training)
    days = checkins.training_days(training)
    came = await checkins.days_of(session, training)
    query = (
        select(Registration, Artisan)
        .outerjoin(Artisan, Artisan.id == Registration.artisan_id)
        .where(Registration.training_id == training.id, Registration.status != "cancelled")
        .order_by(Registration.status, Registration.created_at, Registration.id)
    )
    rows: list[tuple[str, ...]] = [attendance_header(language, days)]
    for registration, person in (await session.execute(query)).all():
        times = came.get(registration.id, {})
        rows.append((
            registration.code, (person.full_name or person.display_name or "") if person else "",
            (person.phone or "") if person else "", _regency(person.regency, language) if person else "",
            _crafts(person.crafts, language) if person else "", _status(registration.status, language),
            *(f"{times[day].astimezone(zone.zone):%Y-%m-%d %H:%M} {zone.name}" if day in times else ""
              for day in days),
        ))
    return rows
