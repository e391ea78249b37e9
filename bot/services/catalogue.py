"""Importing trainings from CSV or YAML: the file read once within limits, every row checked (all its errors),
good rows upserted by code, in batches of short transactions, bad rows reported with their line."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, TypeVar
from xml.etree import ElementTree

import yaml
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.crafts import CRAFTS
from bot.nlu.codes import CODE_MAX, is_valid_code, normalize_code
from bot.nlu.gazetteer import find_region
from bot.nlu.normalize import normalize
from bot.regions import is_regency_of, region_name, zone_of
from bot.services.notices import notify
from bot.services.reminders import Policy, ReminderPlanner
from db.models import Organizer, Registration, Training

logger = logging.getLogger(__name__)

COLUMNS = (
    "code", "title", "craft", "organizer", "province", "regency", "venue", "mode", "starts_at", "ends_at",
    "registration_deadline", "quota", "fee", "contact", "description", "requirements",
)
OPTIONAL = {"regency", "registration_deadline", "quota", "requirements", "language", "status"}
MODES = ("offline", "online", "hybrid")

MAX_FILE_BYTES = 10 * 1024 * 1024  # a catalogue of 20,000 trainings is about 8 MB
MAX_ROWS = 50_000
MAX_COLUMNS = 40  # per row, named or not
MAX_CELL_CHARS = 10_000  # any one value, checked before anything else looks at it
MAX_SHOWN_CHARS = 40  # of a value quoted in an error
MAX_NUMBER = 2**31 - 1  # quota and fee (whole rupiah)
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all members of an .xlsx together, as its zip directory declares
XLSX_MAX_MEMBERS = 1_000  # files inside an .xlsx (a workbook of one sheet has about a dozen)
XLSX_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
BATCH_ROWS = 250  # trainings written per transaction
CHANGES_PER_BATCH = 50  # moved or cancelled trainings re-planned and announced per transaction
BATCH_TRIES = 3  # a batch that met another import's new rows (unique key) is written again
SQLITE_BATCH_PAUSE = 0.05  # seconds between two batches on SQLite: longer than the other processes'
# longest wait between two tries for the lock (db/inline_sqlite.LONGEST_DELAY), so they get it
# Control characters other than newline and tab (C0, DEL, C1) and lone surrogates are refused in text.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Shown escaped in a terminal: every control character, and the bidirectional overrides and isolates.
UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SCALARS = (str, int, float, date)  # datetime is a date; bool is refused apart
UNREADABLE = object()  # the key, in a row, of the problems found while reading it

YamlLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
T = TypeVar("T")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, too large, wrong format, no rows, missing columns)."""


class ImportStopped(Exception):
    """A database error stopped an import after some batches went in (`report` says which)."""

    def __init__(self, report: ImportReport, error: Exception) -> None:
        super().__init__(f"the import stopped at a database error ({type(error).__name__})")
        self.report = report


class RowInvalid(ValueError):
    """A row with one or more problems."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


@dataclass
class RowError:
    line: int
    code: str | None
    reason: str
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)  # ids of trainings whose start time changed
    cancelled: list[int] = field(default_factory=list)  # ids of trainings newly cancelled
    errors: list[RowError] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.moved += other.moved
        self.cancelled += other.cancelled
        self.errors += other.errors


def printable(text: str) -> str:
    """`text` safe to print on a terminal: control characters and bidi overrides shown as escapes."""
    return UNPRINTABLE_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shown(value: Any) -> str:
    """A value quoted in an error message: short, and only ever text already checked to be short."""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_SHOWN_CHARS else text[:MAX_SHOWN_CHARS] + "..."


def describe_format() -> str:
    """The file formats and columns, for `kriya trainings import --help`."""
    required = ", ".join(c for c in COLUMNS if c not in OPTIONAL)
    optional = ", ".join(sorted(OPTIONAL))
    return (
        "A .csv file with a header row, an .xlsx workbook, or a .yaml/.yml file with a list of trainings (or a "
        "'trainings:' list); "
        f"UTF-8, at most {MAX_FILE_BYTES // (1024 * 1024)} MB and {MAX_ROWS} rows; no YAML anchors or aliases. "
        f"Required columns: {required}. Optional: {optional}. province and regency take names as people write "
        "them (Jawa Tengah, DI Yogyakarta, Kabupaten Sleman, Kota Pekalongan) or Kemendagri codes (33, 34.04); "
        "code is what the poster shows (letters, digits and - _ . /, up to 32). Times without an offset are local to the "
        "province (WIB, WITA or WIT). Rows are upserted by code; a bad row is reported with its line and "
        "every reason, and the good rows still go in (exit status 0 when any went in, 1 when rows were "
        "refused and none went in, 2 when the file was refused)."
    )


# -- reading the file ------------------------------------------------------------------------------------


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs from a CSV, XLSX or YAML file; raises ImportFileError on an unreadable file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".yaml", ".yml"):
        raise ImportFileError(f"{path.name}: use a .csv, .yaml or .yml file, or an .xlsx workbook")
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    else:
        text = _read_text(path)
        rows = _csv_rows(path.name, text) if suffix == ".csv" else _yaml_rows(path.name, text)
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"{path.name}: more than {MAX_ROWS} rows; split the file")
    return rows


def _check_size(path: Path) -> None:
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    size = path.stat().st_size  # before reading: a huge file is refused without being read
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path.name}: {size} bytes, more than the {MAX_FILE_BYTES} allowed; split the file")


def _read_text(path: Path) -> str:
    _check_size(path)
    try:
        data = path.read_bytes()[: MAX_FILE_BYTES + 1]  # the file may have grown since
    except OSError as error:
        raise ImportFileError(f"{path.name}: cannot be read: {error.strerror}") from None
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"{path.name}: more than the {MAX_FILE_BYTES} bytes allowed; split the file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportFileError(f"{path.name}:{line}: not UTF-8 text (byte {error.start}); save it as UTF-8 CSV or YAML") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _csv_rows(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        missing = [c for c in COLUMNS if c not in OPTIONAL and c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(f"{name}: missing column(s): {', '.join(missing)}")
        for row in reader:
            rows.append((reader.line_num, dict(row)))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as error:  # e.g. a field larger than csv.field_size_limit()
        raise ImportFileError(f"{name}:{reader.line_num}: not valid CSV: {error}") from None
    return rows


def _xlsx_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """The first sheet of a workbook, header in row 1, rows numbered as the spreadsheet shows them.

    Before openpyxl is even imported: its size, its zip directory (member count and total unpacked size, which
    zipfile then holds every member to, so a zip bomb is refused unread) and one streaming pass over the first
    worksheet's XML for where content ends (a cell at row 1,000,000 is refused, not padded to) and which cells
    are formulas without a saved value or spreadsheet errors. Then openpyxl reads the values (read-only, the
    saved values of formulas, never the formulas)."""
    name = path.name
    _check_size(path)
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


def _yaml_rows(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
    """Parsed once, by the safe loader: nodes first (aliases refused), then each training built on its own."""
    loader = YamlLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as error:
            raise ImportFileError(f"{name}: not valid YAML: {_one_line(error)}") from None
        except RecursionError:
            raise ImportFileError(f"{name}: not valid YAML: nested too deeply") from None
        items = _training_nodes(root)
        if items is None:
            raise ImportFileError(f"{name}: expected a list of trainings (or a 'trainings:' list)")
        assert root is not None
        _refuse_aliases(name, root)
        return [(node.start_mark.line + 1, _construct(loader, node)) for node in items]
    finally:
        loader.dispose()


def _one_line(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f" (line {mark.line + 1})" if mark is not None else ""
    return printable(" ".join(str(problem).split()))[:200] + where


def _training_nodes(root: yaml.Node | None) -> list[yaml.Node] | None:
    """The item nodes of the top-level list, or of the top-level mapping's 'trainings' list."""
    if isinstance(root, yaml.MappingNode):
        root = next((v for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == "trainings"), None)
    return list(root.value) if isinstance(root, yaml.SequenceNode) else None


def _refuse_aliases(name: str, root: yaml.Node) -> None:
    """An alias is the same node met twice: refused, so a small file cannot expand to a huge one."""
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise ImportFileError(f"{name}:{node.start_mark.line + 1}: YAML anchors and aliases (&, *) are not allowed")
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[Any, Any]:
    """One training's values, built by the safe constructor one value at a time: a value it refuses (an
    unknown tag such as !!python/object, an integer too long to convert) makes that row invalid, not the file."""
    if not isinstance(node, yaml.MappingNode):
        return {UNREADABLE: ["a row must be a mapping of column names to values"]}
    row: dict[Any, Any] = {}
    problems: list[str] = []
    for key_node, value_node in node.value:
        try:
            key = loader.construct_object(key_node, deep=True)
            value = loader.construct_object(value_node, deep=True)
            row[key] = value
        except yaml.YAMLError as error:
            problems.append(f"a value cannot be read: {_one_line(error)}")
        except (ValueError, TypeError, RecursionError) as error:  # TypeError: an unhashable key
            problems.append(f"a value cannot be read ({type(error).__name__}, line {value_node.start_mark.line + 1})")
    if problems:
        row[UNREADABLE] = problems
    return row


# -- checking rows ---------------------------------------------------------------------------------------


def check_cells(row: dict[Any, Any]) -> list[str]:
    """Problems of types and sizes, found before any value is converted to text."""
    problems = list(row.get(UNREADABLE, ()))
    if len(row) > MAX_COLUMNS:
        return [*problems, f"more than {MAX_COLUMNS} columns"]
    for key, value in row.items():
        if key is UNREADABLE:
            continue
        if key is None:
            problems.append("more fields than the header has columns")
            continue
        if not isinstance(key, str) or len(key) > MAX_SHOWN_CHARS or CONTROL_RE.search(key):
            problems.append("a column name is not short plain text")
            continue
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, SCALARS):
            problems.append(f"{key} must be text, a number or a date, not {type(value).__name__}")
        elif isinstance(value, str):
            if len(value) > MAX_CELL_CHARS:
                problems.append(f"{key} is longer than {MAX_CELL_CHARS} characters")
            elif (bad := CONTROL_RE.search(value)) is not None:
                problems.append(f"{key} contains a control character (U+{ord(bad.group()):04X})")
    return problems


def _text(row: dict[str, Any], name: str, limit: int) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    value = str(value).strip()
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return value or None


def _required(row: dict[str, Any], name: str, limit: int) -> str:
    value = _text(row, name, limit)
    if not value:
        raise ValueError(f"{name} is empty")
    return value


MAX_MOMENT_CHARS = 40
MAX_INTEGER_CHARS = 24


def _moment(row: dict[str, Any], name: str, province: str, end_of_day: bool = False) -> datetime | None:
    raw = row.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    zone = zone_of(province).zone
    if isinstance(raw, datetime):
        parsed = raw
    elif isinstance(raw, date):
        parsed = datetime.combine(raw, time(23, 59) if end_of_day else time(0, 0))
    else:
        text = str(raw).strip()
        if len(text) > MAX_MOMENT_CHARS:
            raise ValueError(f"{name} is too long to be a date and time")
        try:
            if len(text) == 10:
                parsed = datetime.combine(date.fromisoformat(text), time(23, 59) if end_of_day else time(0, 0))
            else:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{name} '{text}' is not an ISO 8601 date and time") from None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def _integer(row: dict[str, Any], name: str) -> int | None:
    raw = row.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    if isinstance(raw, float) and raw.is_integer() and abs(raw) <= MAX_NUMBER:
        raw = int(raw)
    text = str(raw).strip()
    if len(text) > MAX_INTEGER_CHARS:
        raise ValueError(f"{name} is too long to be a number")
    digits = re.sub(r"^rp\s*|[.,\s]", "", text, flags=re.IGNORECASE)
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{name} '{text}' is not a whole number")
    value = int(digits)
    if value > MAX_NUMBER:
        raise ValueError(f"{name} is larger than {MAX_NUMBER}")
    return value


class _Checks:
    """Runs one check after another on a row, keeping every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def run(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return check(*args, **kwargs)
        except RowInvalid as error:
            self.problems += error.reasons
            return None
        except ValueError as error:
            self.problems.append(str(error))
            return None


def _choice(row: dict[str, Any], name: str, limit: int, allowed: Sequence[str], default: str | None,
            hint: str) -> str:
    value = (_text(row, name, limit) if default is not None else _required(row, name, limit)) or default
    assert value is not None
    value = value.lower()
    if value not in allowed:
        raise ValueError(f"{name} '{value}' is not {hint}")
    return value


def _code(row: dict[str, Any]) -> str:
    """Whatever the organizer printed on the poster: letters, digits and - _ . /, up to 32 characters."""
    code = normalize_code(_required(row, "code", CODE_MAX))
    if not is_valid_code(code):
        raise ValueError(f"code '{code}' may hold letters, digits and - _ . / (up to {CODE_MAX} characters, "
                         "starting and ending with a letter or digit)")
    return code


REGEX_KIND = re.compile(r"(?i)\s*(kabupaten|kab\.?|kota|kotamadya)\s")  # the cell says which of the two
REGION_CODE_SHAPE = re.compile(r"[\d.]+")  # a Kemendagri code (34, 34.04); anything else is read as a name


def _place(text: str) -> tuple[str, str | None] | None:
    """(province, regency or None) of a place written as people write it ("DI Yogyakarta", "jogja",
    "Kab. Sleman", "Kota Pekalongan"), when the whole cell names one place."""
    tokens = normalize(text).split()
    found = find_region(tokens) if tokens else None
    if found is None or found.start != 0 or found.end != len(tokens):
        return None
    return found.value


def _province(row: dict[str, Any]) -> str:
    province = _required(row, "province", 100)
    if REGION_CODE_SHAPE.fullmatch(province):
        if "." in province or region_name(province) is None:
            raise ValueError(f"province '{province}' is not a Kemendagri province code such as 34")
        return province
    place = _place(province)
    if place is None or place[1] is not None:
        raise ValueError(f"province '{province}' is not a province name (e.g. Jawa Tengah) or code (e.g. 33)")
    return place[0]


def _regency(row: dict[str, Any], province: str | None) -> str | None:
    regency = _text(row, "regency", 100)
    if not regency:
        return None
    if not REGION_CODE_SHAPE.fullmatch(regency):
        regency = _regency_named(regency, province)
    if province and not is_regency_of(regency, province):
        raise ValueError(f"regency '{regency}' is not inside province {province}")
    return regency


def _regency_named(name: str, province: str | None) -> str:
    """The code of a regency or city written by name; a bare name that is both a Kabupaten and a Kota (Pekalongan)
    is refused rather than guessed."""
    if not REGEX_KIND.match(name):
        found = {_place(f"{kind} {name}") for kind in ("Kabupaten", "Kota")}
        codes = {p[1] for p in found if p and p[1] and (province is None or p[0] == province)}
        if len(codes) > 1:
            raise ValueError(f"regency '{name}': say Kabupaten {name} or Kota {name}")
        if codes:
            return codes.pop()
    place = _place(name)
    if place is None or place[1] is None:
        raise ValueError(f"regency '{name}' is not a regency or city name (e.g. Kabupaten Sleman) or code (e.g. 34.04)")
    return place[1]


def _dates(row: dict[str, Any], province: str) -> tuple[datetime, datetime, datetime | None]:
    checks = _Checks()
    starts_at = checks.run(_moment, row, "starts_at", province)
    ends_at = checks.run(_moment, row, "ends_at", province, end_of_day=True)
    deadline = checks.run(_moment, row, "registration_deadline", province, end_of_day=True)
    if not checks.problems:
        if starts_at is None or ends_at is None:
            checks.problems.append("starts_at and ends_at are required")
        elif ends_at <= starts_at:
            checks.problems.append("ends_at is not after starts_at")
        elif deadline and deadline > starts_at:
            checks.problems.append("registration_deadline is after starts_at")
    if checks.problems:
        raise RowInvalid(checks.problems)
    assert starts_at is not None and ends_at is not None
    return starts_at, ends_at, deadline


def _quota(row: dict[str, Any]) -> int | None:
    quota = _integer(row, "quota")
    if quota is not None and quota <= 0:
        raise ValueError("quota must be positive (leave it empty for no limit)")
    return quota


def _fee(row: dict[str, Any]) -> int:
    fee = _integer(row, "fee")
    if fee is None:
        raise ValueError("fee is empty (0 means free)")
    return fee


def parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """The columns of one row, checked and converted; raises RowInvalid (a ValueError) with every reason."""
    problems = check_cells(row)
    if problems:
        raise RowInvalid(problems)
    checks = _Checks()
    code = checks.run(_code, row)
    craft = checks.run(_choice, row, "craft", 20, CRAFTS, None, f"one of {', '.join(CRAFTS)}")
    province = checks.run(_province, row)
    regency = checks.run(_regency, row, province)
    mode = checks.run(_choice, row, "mode", 10, MODES, "offline", "offline, online or hybrid")
    dates = checks.run(_dates, row, province) if province else None
    values: dict[str, Any] = {
        "code": code, "title": checks.run(_required, row, "title", 200), "craft": craft,
        "organizer": checks.run(_required, row, "organizer", 200), "province": province, "regency": regency,
        "venue": checks.run(_required, row, "venue", 300), "mode": mode,
        "quota": checks.run(_quota, row), "fee": checks.run(_fee, row),
        "contact": checks.run(_required, row, "contact", 300),
        "description": checks.run(_required, row, "description", 5000),
        "requirements": checks.run(_text, row, "requirements", 2000),
        "language": checks.run(_choice, row, "language", 5, ("id", "en"), "id", "id or en"),
        "status": checks.run(_choice, row, "status", 12, ("published", "cancelled"), "published",
                             "published or cancelled"),
    }
    if checks.problems:
        raise RowInvalid(checks.problems)
    assert dates is not None
    values["starts_at"], values["ends_at"], values["registration_deadline"] = dates
    return values


def check_rows(rows: list[tuple[int, dict[str, Any]]]) -> tuple[list[dict[str, Any]], list[RowError]]:
    """Every row checked before anything is written: the good rows (converted) and the errors."""
    good: list[dict[str, Any]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            parsed = parse_row(row)
            if parsed["code"] in seen:
                raise ValueError(f"code {parsed['code']} already appears on line {seen[parsed['code']]}")
        except ValueError as error:
            reasons = error.reasons if isinstance(error, RowInvalid) else [str(error)]
            errors.append(RowError(line, _row_code(row), "; ".join(reasons), reasons))
            continue
        seen[parsed["code"]] = line
        good.append(parsed)
    return good, errors


def _row_code(row: dict[str, Any]) -> str | None:
    code = row.get("code")
    if isinstance(code, str | int) and not isinstance(code, bool):
        text = str(code).strip()
        if text and len(text) <= MAX_SHOWN_CHARS and not CONTROL_RE.search(text):
            return text
    return None


# -- writing ---------------------------------------------------------------------------------------------


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


async def _write(session: AsyncSession, batch: Sequence[dict[str, Any]], is_demo: bool) -> ImportReport:
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
    report = await _write(session, good, is_demo) if good else ImportReport()
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
            report.add(await _in_transaction(sessionmaker, _write, batch, is_demo))
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
                             training_code=training.code)


def local_date_time(day: date, clock: str, province: str) -> datetime:
    """A local date and 'HH:MM' in the province's zone as an aware datetime."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=zone_of(province).zone)


def shift_days(day: date, days: int) -> date:
    return day + timedelta(days=days)
