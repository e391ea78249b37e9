"""Importing trainings from CSV, XLSX or YAML: the file read once within limits (`files`, `csv_file`,
`xlsx_file`, `yaml_file`), every row checked with all its errors (`cells`, `places`, `times`, `rows`), good
rows upserted by code in batches of short transactions (`saving`), bad rows reported with their line
(`report`). What an importer needs is named here."""

from bot.services.catalogue.files import read_rows
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
