"""The rows of an XLSX workbook's first sheet, read only after its archive and sheet passed their checks."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from bot.services.catalogue.limits import (
    COLUMNS,
    CONTROL_RE,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHOWN_CHARS,
    OPTIONAL,
    UNREADABLE,
    XLSX_MAX_MEMBERS,
    XLSX_MAX_UNPACKED_BYTES,
    ImportFileError,
    check_size,
    printable,
    shown,
)

XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

def xlsx_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The first sheet of a workbook, header in row 1, rows numbered as the spreadsheet shows them.

    Before openpyxl is even imported: its size, its zip directory (member count and total unpacked size, which
    zipfile then holds every member to, so a zip bomb is refused unread) and one streaming pass over the first
    worksheet's XML for where content ends (a cell at row 1,000,000 is refused, not padded to) and which cells
    are formulas without a saved value or spreadsheet errors. Then openpyxl reads the values (read-only, the
    saved values of formulas, never the formulas)."""
    name = path.name
    check_size(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, EOFError):
        raise ImportFileError(f"{name}: not an XLSX workbook (not a zip archive; a password-protected workbook "
                              "cannot be read: save it without a password)") from None
    except OSError as error:
        raise ImportFileError(f"{name}: cannot be read: {error.strerror}") from None
    with archive:
        _check_archive(name, archive)
        try:
            return _read_workbook(name, path, archive)
        except ImportFileError:
            raise
        except Exception as error:  # openpyxl and zipfile raise many kinds on a damaged workbook (KeyError,
            # ParseError, ValueError, BadZipFile on a member larger than declared...): all mean the same here
            raise ImportFileError(f"{name}: not a readable XLSX workbook ({type(error).__name__}); save it again "
                                  "from Excel or LibreOffice") from None


def _check_archive(name: str, archive: zipfile.ZipFile) -> None:
    members = archive.infolist()
    if len(members) > XLSX_MAX_MEMBERS:
        raise ImportFileError(f"{name}: {len(members)} files inside, more than the {XLSX_MAX_MEMBERS} an XLSX "
                              "workbook may hold here")
    unpacked = sum(member.file_size for member in members)
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        raise ImportFileError(f"{name}: unpacks to {unpacked} bytes, more than the {XLSX_MAX_UNPACKED_BYTES} "
                              "allowed; split the file")
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise ImportFileError(f"{name}: a zip archive but not an XLSX workbook; save it from Excel or "
                              "LibreOffice as .xlsx")


def _refuse_dtd(name: str, archive: zipfile.ZipFile) -> None:
    """No part of a workbook has a document type declaration; one can only declare entities (a billion laughs,
    which expat would stop, but after megabytes): refused before any XML parser sees it."""
    for member in archive.infolist():
        if not member.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(member) as data:
            tail = b""
            while chunk := data.read(1024 * 1024):
                if b"<!DOCTYPE" in tail + chunk:
                    raise ImportFileError(f"{name}: {shown(printable(member.filename))} declares a document type "
                                          "(<!DOCTYPE); a workbook never does")
                tail = chunk[-8:]


def _read_workbook(name: str, path: Path, archive: zipfile.ZipFile) -> list[tuple[int, dict[str, Any]]]:
    _refuse_dtd(name, archive)
    sheet_name, sheet_part = _first_worksheet(archive)
    with archive.open(sheet_part) as xml:
        last_row, last_column, marked = _scan_sheet(name, xml)
    if last_row > MAX_ROWS + 1:  # row 1 is the header
        raise ImportFileError(f"{name}: content in row {last_row}, beyond row {MAX_ROWS + 1} (at most "
                              f"{MAX_ROWS} rows); split the file")
    if last_column > MAX_COLUMNS:
        raise ImportFileError(f"{name}: content in column {last_column}, more than {MAX_COLUMNS} columns")
    if last_row == 0:
        raise ImportFileError(f"{name}: the first sheet ({shown(printable(sheet_name))}) is empty")

    import openpyxl  # only once the archive and its first sheet passed their checks

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook[sheet_name]
        values = sheet.iter_rows(min_row=1, max_row=last_row, min_col=1, max_col=last_column, values_only=True)
        return _sheet_rows(name, values, marked)
    finally:
        workbook.close()


RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _first_worksheet(archive: zipfile.ZipFile) -> tuple[str, str]:
    """The name and archive member of the workbook's first worksheet (a chart sheet is not one), found as
    openpyxl finds it: package relationships -> workbook -> its relationships."""
    workbook_part = _targets(archive, "_rels/.rels", "")["officeDocument"][0]
    folder, _slash, file = workbook_part.rpartition("/")
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    targets = dict(_targets(archive, rels, folder)["worksheet"])
    for sheet in ElementTree.fromstring(archive.read(workbook_part)).iter(XLSX_NS + "sheet"):
        target = targets.get(sheet.get(RELATIONSHIP_ID, ""))
        if target is not None:
            return sheet.get("name", ""), target
    raise KeyError("no worksheet")


def _targets(archive: zipfile.ZipFile, part: str, folder: str) -> dict[str, list[Any]]:
    """The relationships of a part by type (the last word of the type URI): the target members, and for the
    workbook's own relationships (id, target) pairs."""
    found: dict[str, list[Any]] = {"officeDocument": [], "worksheet": []}
    for rel in ElementTree.fromstring(archive.read(part)).iter(RELATIONSHIPS_NS + "Relationship"):
        kind = rel.get("Type", "").rpartition("/")[2]
        target = rel.get("Target", "")
        member = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
        if kind == "officeDocument":
            found[kind].append(member)
        elif kind == "worksheet":
            found[kind].append((rel.get("Id", ""), member))
    if part == "_rels/.rels" and not found["officeDocument"]:
        raise KeyError("no workbook")
    return found


def _scan_sheet(name: str, xml: IO[bytes]) -> tuple[int, int, dict[tuple[int, int], str]]:
    """One streaming pass over a sheet's XML: the last row and column holding a value, and the cells holding
    a formula without a saved value or an error (by row and column)."""
    last_row = last_column = 0
    marked: dict[tuple[int, int], str] = {}
    row_number = column = 0
    try:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == XLSX_NS + "row":
                    row_number = _row_number(name, element.get("r"), row_number + 1)
                    column = 0
                elif tag == XLSX_NS + "c":
                    column = _cell_column(element.get("r"), column + 1)
                continue
            if tag == XLSX_NS + "c":
                cached = bool(element.findtext(XLSX_NS + "v"))  # openpyxl itself writes a formula with <v/>
                has_value = cached or element.find(XLSX_NS + "is") is not None
                if element.find(XLSX_NS + "f") is not None and not cached:
                    marked[(row_number, column)] = "is a formula without a saved value: type the value itself"
                    has_value = True
                elif element.get("t") == "e":
                    marked[(row_number, column)] = "is a spreadsheet error: type the value itself"
                if has_value:
                    last_row, last_column = max(last_row, row_number), max(last_column, column)
                element.clear()
            elif tag == XLSX_NS + "row":
                element.clear()
    except ElementTree.ParseError as error:
        raise ImportFileError(f"{name}: the first sheet is not valid XML ({printable(str(error))[:100]})") from None
    return last_row, last_column, marked


def _row_number(name: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) < 10):
        raise ImportFileError(f"{name}: the first sheet has a row numbered '{shown(printable(value))}'")
    return int(value)


CELL_REFERENCE_RE = re.compile(r"([A-Z]{1,3})(\d{1,9})")


def _cell_column(reference: str | None, default: int) -> int:
    found = CELL_REFERENCE_RE.fullmatch(reference or "")
    if found is None:
        return default
    number = 0
    for letter in found.group(1):
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _sheet_rows(name: str, values: Iterator[tuple[Any, ...]],
                marked: dict[tuple[int, int], str]) -> list[tuple[int, dict[str, Any]]]:
    header = [_header_name(cell) for cell in next(values, ())]
    missing = [c for c in COLUMNS if c not in OPTIONAL and c not in header]
    if missing:
        raise ImportFileError(f"{name}: missing column(s) in row 1 of the first sheet: {', '.join(missing)}")
    rows: list[tuple[int, dict[str, Any]]] = []
    for row_number, cells in enumerate(values, start=2):
        problems = [f"{_column_name(header, column)} {marked[(row_number, column)]}"
                    for column in range(1, len(cells) + 1) if (row_number, column) in marked]
        row: dict[Any, Any] = {}
        for column, cell in enumerate(cells, start=1):
            value = "" if (row_number, column) in marked else _xlsx_value(cell)
            key = header[column - 1] if column <= len(header) else None
            if key is not None:
                row[key] = value
            elif not (isinstance(value, str) and not value.strip()):
                row[None] = value  # a value under no column name: `check_cells` says so
        if not problems and all(isinstance(v, str) and not v.strip() for v in row.values()):
            continue  # an empty row (or one of spaces only)
        if problems:
            row[UNREADABLE] = problems
        rows.append((row_number, row))
    return rows


def _header_name(cell: Any) -> str | None:
    value = _xlsx_value(cell)
    text = value.strip() if isinstance(value, str) else str(value)
    return text or None


def _column_name(header: list[str | None], column: int) -> str:
    key = header[column - 1] if column <= len(header) else None
    return key if key and len(key) <= MAX_SHOWN_CHARS and not CONTROL_RE.search(key) else f"column {column}"


def _xlsx_value(cell: Any) -> Any:
    """A cell's value as the importer takes it: dates and times as ISO text in local time as typed (a date
    without a time, which a spreadsheet keeps as midnight, as the date alone), whole numbers without '.0',
    empty as ''. Anything else (a bool, a time of day) is left for `check_cells` and the parsers to refuse."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        naive = cell.replace(tzinfo=None)
        if naive.time() == time(0, 0):
            return naive.date().isoformat()
        return naive.isoformat(sep=" ", timespec="minutes" if naive.second == 0 and not naive.microsecond
                               else "seconds")
    if isinstance(cell, date):
        return cell.isoformat()
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return cell
