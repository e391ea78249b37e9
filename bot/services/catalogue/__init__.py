"""Importing trainings from CSV, XLSX or YAML: the file read once within limits (`files`, `csv_file`,
`xlsx_file`, `yaml_file`), every row checked with all its errors (`cells`, `places`, `times`, `rows`), good
rows upserted by code in batches of short transactions (`saving`), bad rows reported with their line
(`report`). What an importer needs is named here."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from bot.services.catalogue.limits import (
    COLUMNS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MODES,
    OPTIONAL,
    XLSX_MAX_MEMBERS,
    ImportFileError,
    describe_format,
    printable,
)

if TYPE_CHECKING:
    from bot.services.catalogue.files import read_rows
    from bot.services.catalogue.report import ImportReport, ImportStopped, RowError
    from bot.services.catalogue.rows import check_rows, parse_row
    from bot.services.catalogue.saving import (
        BATCH_ROWS,
        CHANGES_PER_BATCH,
        SQLITE_BATCH_PAUSE,
        import_in_batches,
        import_rows,
        organizer_for,
    )
    from bot.services.catalogue.times import local_date_time, shift_days

# Loaded when first used: reading rows needs the NLU's place names (half a second), `kriya --help` needs only the
# limits above for its description of the import.
_LAZY = {
    "read_rows": "files", "ImportReport": "report", "ImportStopped": "report", "RowError": "report",
    "check_rows": "rows", "parse_row": "rows", "BATCH_ROWS": "saving", "CHANGES_PER_BATCH": "saving",
    "SQLITE_BATCH_PAUSE": "saving", "import_in_batches": "saving", "import_rows": "saving",
    "organizer_for": "saving", "local_date_time": "times", "shift_days": "times",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "BATCH_ROWS",
    "CHANGES_PER_BATCH",
    "COLUMNS",
    "MAX_COLUMNS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MODES",
    "OPTIONAL",
    "SQLITE_BATCH_PAUSE",
    "XLSX_MAX_MEMBERS",
    "ImportFileError",
    "ImportReport",
    "ImportStopped",
    "RowError",
    "check_rows",
    "describe_format",
    "import_in_batches",
    "import_rows",
    "local_date_time",
    "organizer_for",
    "parse_row",
    "printable",
    "read_rows",
    "shift_days",
]
