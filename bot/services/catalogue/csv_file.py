"""The rows of a CSV file, under a header row that names the columns."""

from __future__ import annotations

import csv
import io
from typing import Any

from bot.services.catalogue.limits import COLUMNS, MAX_ROWS, OPTIONAL, ImportFileError


def csv_rows(name: str, text: str) -> list[tuple[int, dict[str, Any]]]:
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
