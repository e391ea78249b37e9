"""What an import file may hold: its columns, its limits, what a value may contain, and how a value is quoted
in an error or printed on a terminal."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

COLUMNS = (
    "code", "title", "craft", "organizer", "province", "regency", "venue", "mode", "starts_at", "ends_at",
    "registration_deadline", "quota", "fee", "contact", "description", "requirements",
)
OPTIONAL = {"regency", "registration_deadline", "quota", "requirements", "language", "status", "confirm_days"}
MAX_CONFIRM_DAYS = 60  # confirm_days: registrants asked to confirm at most this many days before the start
MODES = ("offline", "online", "hybrid")

MAX_FILE_BYTES = 10 * 1024 * 1024  # a catalogue of 20,000 trainings is about 8 MB
MAX_ROWS = 50_000
MAX_COLUMNS = 40  # per row, named or not
MAX_CELL_CHARS = 10_000  # any one value, checked before anything else looks at it
MAX_SHOWN_CHARS = 40  # of a value quoted in an error
MAX_NUMBER = 2**31 - 1  # quota and fee (whole rupiah)
XLSX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all members of an .xlsx together, as its zip directory declares
XLSX_MAX_MEMBERS = 1_000  # files inside an .xlsx (a workbook of one sheet has about a dozen)
# Control characters other than newline and tab (C0, DEL, C1) and lone surrogates are refused in text.
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Shown escaped in a terminal: every control character, and the bidirectional overrides and isolates.
UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
SCALARS = (str, int, float, date)  # datetime is a date; bool is refused apart
UNREADABLE = object()  # the key, in a row, of the problems found while reading it


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, too large, wrong format, no rows, missing columns)."""


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


def check_size(path: Path) -> None:
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    size = path.stat().st_size  # before reading: a huge file is refused without being read
    if size > MAX_FILE_BYTES:
        raise ImportFileError(f"{path.name}: {size} bytes, more than the {MAX_FILE_BYTES} allowed; split the file")
