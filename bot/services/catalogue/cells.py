"""Reading one cell of a row: its type and size first, then as text, a whole number or one of a few words;
`Checks` keeps every problem of a row instead of stopping at the first."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from bot.services.catalogue.limits import (
    CONTROL_RE,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_NUMBER,
    MAX_SHOWN_CHARS,
    SCALARS,
    UNREADABLE,
)

T = TypeVar("T")

class RowInvalid(ValueError):
    """A row with one or more problems."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = list(reasons)


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


def text_cell(row: dict[str, Any], name: str, limit: int) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    value = str(value).strip()
    if len(value) > limit:
        raise ValueError(f"{name} is longer than {limit} characters")
    return value or None


def required_cell(row: dict[str, Any], name: str, limit: int) -> str:
    value = text_cell(row, name, limit)
    if not value:
        raise ValueError(f"{name} is empty")
    return value


MAX_INTEGER_CHARS = 24


def integer_cell(row: dict[str, Any], name: str) -> int | None:
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


class Checks:
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


def choice_cell(row: dict[str, Any], name: str, limit: int, allowed: Sequence[str], default: str | None,
            hint: str) -> str:
    value = (text_cell(row, name, limit) if default is not None else required_cell(row, name, limit)) or default
    assert value is not None
    value = value.lower()
    if value not in allowed:
        raise ValueError(f"{name} '{value}' is not {hint}")
    return value
