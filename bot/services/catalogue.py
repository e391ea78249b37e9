"""Importing trainings from CSV or YAML: every row checked, good rows upserted by code, bad rows reported."""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crafts import CRAFTS
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
CODE_RE = re.compile(r"^[A-Z0-9]{2,8}(-[A-Z0-9]{1,8}){1,4}$")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (missing, wrong format, no rows, missing columns)."""


@dataclass
class RowError:
    line: int
    code: str | None
    reason: str


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[int] = field(default_factory=list)  # ids of trainings whose start time changed
    cancelled: list[int] = field(default_factory=list)  # ids of trainings newly cancelled
    errors: list[RowError] = field(default_factory=list)


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) pairs from a CSV or YAML file; raises ImportFileError on an unreadable file."""
    if not path.is_file():
        raise ImportFileError(f"file not found: {path}")
    text = path.read_text(encoding="utf-8-sig")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in COLUMNS if c not in OPTIONAL and c not in (reader.fieldnames or [])]
        if missing:
            raise ImportFileError(f"{path.name}: missing column(s): {', '.join(missing)}")
        return [(reader.line_num, dict(row)) for row in reader]
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.compose(text)
        except yaml.YAMLError as error:
            raise ImportFileError(f"{path.name}: not valid YAML: {error}") from error
        loaded = yaml.safe_load(text)
        items = loaded.get("trainings") if isinstance(loaded, dict) else loaded
        nodes = data.value if isinstance(data, yaml.SequenceNode) else None
        if isinstance(data, yaml.MappingNode):
            nodes = next((v.value for k, v in data.value if k.value == "trainings"), None)
        if not isinstance(items, list) or nodes is None:
            raise ImportFileError(f"{path.name}: expected a list of trainings (or a 'trainings:' list)")
        return [
            (node.start_mark.line + 1, item if isinstance(item, dict) else {"_invalid": item})
            for node, item in zip(nodes, items, strict=True)
        ]
    raise ImportFileError(f"{path.name}: use a .csv, .yaml or .yml file")


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
    text = re.sub(r"^rp\s*|[.,\s]", "", str(raw).strip(), flags=re.IGNORECASE)
    if not text.isdigit():
        raise ValueError(f"{name} '{raw}' is not a whole number")
    return int(text)


def parse_row(row: dict[str, Any]) -> dict[str, Any]:
    """The columns of one row, checked and converted; raises ValueError with the reason."""
    if "_invalid" in row:
        raise ValueError("a row must be a mapping of column names to values")
    code = _required(row, "code", 32).upper()
    if not CODE_RE.match(code):
        raise ValueError(f"code '{code}' should look like BTK-2612-YK")
    craft = _required(row, "craft", 20).lower()
    if craft not in CRAFTS:
        raise ValueError(f"craft '{craft}' is not one of {', '.join(CRAFTS)}")
    province = _required(row, "province", 13)
    if "." in province or region_name(province) is None:
        raise ValueError(f"province '{province}' is not a Kemendagri province code such as 34")
    regency = _text(row, "regency", 13)
    if regency and not is_regency_of(regency, province):
        raise ValueError(f"regency '{regency}' is not a regency code inside province {province}")
    mode = (_text(row, "mode", 10) or "offline").lower()
    if mode not in MODES:
        raise ValueError(f"mode '{mode}' is not offline, online or hybrid")
    starts_at = _moment(row, "starts_at", province)
    ends_at = _moment(row, "ends_at", province, end_of_day=True)
    if starts_at is None or ends_at is None:
        raise ValueError("starts_at and ends_at are required")
    if ends_at <= starts_at:
        raise ValueError("ends_at is not after starts_at")
    deadline = _moment(row, "registration_deadline", province, end_of_day=True)
    if deadline and deadline > starts_at:
        raise ValueError("registration_deadline is after starts_at")
    quota = _integer(row, "quota")
    if quota is not None and quota <= 0:
        raise ValueError("quota must be positive (leave it empty for no limit)")
    fee = _integer(row, "fee")
    if fee is None:
        raise ValueError("fee is empty (0 means free)")
    language = (_text(row, "language", 5) or "id").lower()
    if language not in ("id", "en"):
        raise ValueError(f"language '{language}' is not id or en")
    status = (_text(row, "status", 12) or "published").lower()
    if status not in ("published", "cancelled"):
        raise ValueError(f"status '{status}' is not published or cancelled")
    return {
        "code": code, "title": _required(row, "title", 200), "craft": craft,
        "organizer": _required(row, "organizer", 200), "province": province, "regency": regency,
        "venue": _required(row, "venue", 300), "mode": mode, "starts_at": starts_at, "ends_at": ends_at,
        "registration_deadline": deadline, "quota": quota, "fee": fee, "contact": _required(row, "contact", 300),
        "description": _required(row, "description", 5000), "requirements": _text(row, "requirements", 2000),
        "language": language, "status": status,
    }


def organizer_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "organizer"


async def organizer_for(session: AsyncSession, name: str) -> Organizer:
    """The organizer named `name` (by key or exact name), created when new."""
    key = organizer_key(name)
    found = (
        await session.execute(select(Organizer).where((Organizer.key == name) | (Organizer.key == key)))
    ).scalar_one_or_none()
    if found is None:
        found = (await session.execute(select(Organizer).where(Organizer.name == name))).scalars().first()
    if found is None:
        found = Organizer(key=key, name=name)
        session.add(found)
        await session.flush()
    return found


async def import_rows(
    session: AsyncSession, rows: list[tuple[int, dict[str, Any]]], is_demo: bool = False,
    now: datetime | None = None, policy: Policy | None = None,
) -> ImportReport:
    """Check every row, then upsert the good ones by code in the caller's transaction; registrants of a
    moved or cancelled training get their reminders re-planned (or dropped) and a notice."""
    report = ImportReport()
    good: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        try:
            parsed = parse_row(row)
            if parsed["code"] in seen:
                raise ValueError(f"code {parsed['code']} already appears on line {seen[parsed['code']]}")
        except ValueError as error:
            report.errors.append(RowError(line, str(row.get("code") or "") or None, str(error)))
            continue
        seen[parsed["code"]] = line
        good.append(parsed)
    for parsed in good:
        organizer = await organizer_for(session, parsed.pop("organizer"))
        existing = (await session.execute(select(Training).where(Training.code == parsed["code"]))).scalar_one_or_none()
        if existing is None:
            session.add(Training(**parsed, organizer_id=organizer.id, is_demo=is_demo))
            report.created.append(parsed["code"])
        else:
            if parsed["status"] == "cancelled" and existing.status != "cancelled":
                report.cancelled.append(existing.id)
            elif existing.starts_at != parsed["starts_at"]:
                report.moved.append(existing.id)
            for name, value in parsed.items():
                setattr(existing, name, value)
            existing.organizer_id = organizer.id
            existing.is_demo = is_demo
            report.updated.append(parsed["code"])
    await session.flush()
    if now is not None:
        await _after_changes(session, report, now, policy or Policy())
    return report


async def _after_changes(session: AsyncSession, report: ImportReport, now: datetime, policy: Policy) -> None:
    planner = ReminderPlanner(session, now, policy)
    for training_id in report.moved + report.cancelled:
        await planner.replan_training(training_id)
        training = await session.get_one(Training, training_id)
        if training.starts_at <= now:
            continue
        kind = "cancelled" if training_id in report.cancelled else "moved"
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
