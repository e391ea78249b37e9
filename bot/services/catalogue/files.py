"""Reading an import file within limits: CSV, XLSX or YAML by its name, each row with its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.services.catalogue.csv_file import csv_rows
from bot.services.catalogue.limits import MAX_FILE_BYTES, MAX_ROWS, ImportFileError, check_size
from bot.services.catalogue.xlsx_file import xlsx_rows
from bot.services.catalogue.yaml_file import yaml_rows


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs from a CSV, XLSX or YAML file; raises ImportFileError on an unreadable file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".yaml", ".yml"):
        raise ImportFileError(f"{path.name}: use a .csv, .yaml or .yml file, or an .xlsx workbook")
    if suffix == ".xlsx":
        rows = xlsx_rows(path)
    else:
        text = read_text(path)
        rows = csv_rows(path.name, text) if suffix == ".csv" else yaml_rows(path.name, text)
    if len(rows) > MAX_ROWS:
        raise ImportFileError(f"{path.name}: more than {MAX_ROWS} rows; split the file")
    return rows


def read_text(path: Path) -> str:
    check_size(path)
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
