"""Every row checked and converted before anything is written, each bad row with all its reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.crafts import CRAFTS
from bot.nlu.codes import CODE_MAX, is_valid_code, normalize_code
from bot.services.catalogue.cells import (
    Checks,
    RowInvalid,
    check_cells,
    choice_cell,
    integer_cell,
    required_cell,
    text_cell,
)
from bot.services.catalogue.limits import CONTROL_RE, MAX_CONFIRM_DAYS, MAX_SHOWN_CHARS, MODES
from bot.services.catalogue.places import province_cell, regency_cell
from bot.services.catalogue.report import RowError
from bot.services.catalogue.times import moment


def _code(row: dict[str, Any]) -> str:
    """Whatever the organizer printed on the poster: letters, digits and - _ . /, up to 32 characters."""
    code = normalize_code(required_cell(row, "code", CODE_MAX))
    if not is_valid_code(code):
        raise ValueError(f"code '{code}' may hold letters, digits and - _ . / (up to {CODE_MAX} characters, "
                         "starting and ending with a letter or digit)")
    return code


def _dates(row: dict[str, Any], province: str) -> tuple[datetime, datetime, datetime | None]:
    checks = Checks()
    starts_at = checks.run(moment, row, "starts_at", province)
    ends_at = checks.run(moment, row, "ends_at", province, end_of_day=True)
    deadline = checks.run(moment, row, "registration_deadline", province, end_of_day=True)
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
    quota = integer_cell(row, "quota")
    if quota is not None and quota <= 0:
        raise ValueError("quota must be positive (leave it empty for no limit)")
    return quota


def _confirm_days(row: dict[str, Any]) -> int | None:
    days = integer_cell(row, "confirm_days")
    if days is not None and days > MAX_CONFIRM_DAYS:
        raise ValueError(f"confirm_days must be 0 to {MAX_CONFIRM_DAYS} (0: not asked; empty: 3)")
    return days


def _fee(row: dict[str, Any]) -> int:
    fee = integer_cell(row, "fee")
    if fee is None:
        raise ValueError("fee is empty (0 means free)")
    return fee


def parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """The columns of one row, checked and converted; raises RowInvalid (a ValueError) with every reason."""
    problems = check_cells(row)
    if problems:
        raise RowInvalid(problems)
    checks = Checks()
    code = checks.run(_code, row)
    craft = checks.run(choice_cell, row, "craft", 20, CRAFTS, None, f"one of {', '.join(CRAFTS)}")
    province = checks.run(province_cell, row)
    regency = checks.run(regency_cell, row, province)
    mode = checks.run(choice_cell, row, "mode", 10, MODES, "offline", "offline, online or hybrid")
    dates = checks.run(_dates, row, province) if province else None
    values: dict[str, Any] = {
        "code": code, "title": checks.run(required_cell, row, "title", 200), "craft": craft,
        "organizer": checks.run(required_cell, row, "organizer", 200), "province": province, "regency": regency,
        "venue": checks.run(required_cell, row, "venue", 300), "mode": mode,
        "quota": checks.run(_quota, row), "fee": checks.run(_fee, row),
        "confirm_days": checks.run(_confirm_days, row),
        "contact": checks.run(required_cell, row, "contact", 300),
        "description": checks.run(required_cell, row, "description", 5000),
        "requirements": checks.run(text_cell, row, "requirements", 2000),
        "language": checks.run(choice_cell, row, "language", 5, ("id", "en"), "id", "id or en"),
        "status": checks.run(choice_cell, row, "status", 12, ("published", "cancelled"), "published",
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
