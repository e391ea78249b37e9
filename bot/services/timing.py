"""When a proactive message may go: quiet hours in the person's own time zone (one place for that rule)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.regions import zone_of
from db.models import Artisan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    """When proactive messages go: reminder offsets before a training, and quiet hours (local time)."""

    offsets: tuple[timedelta, ...] = field(
        default_factory=lambda: (timedelta(days=3), timedelta(days=1), timedelta(hours=2))
    )
    quiet_hours: tuple[int, int] | None = (21, 7)
    deadline_notice: timedelta = timedelta(days=1)  # before a registration deadline, for subscribers
    seat_offer: timedelta = timedelta(hours=24)  # how long a freed seat offered to the waitlist stays offered
    public_url: str = "http://localhost:8000"  # where links in proactive messages point (a certificate's /verify)


def person_zone(person: Artisan | None, fallback_region: str | None) -> ZoneInfo:
    """The zone a person lives by: their own regency or province, else the region given (a training's, ...)."""
    code = (person.regency or person.province) if person else None
    return zone_of(code or fallback_region).zone


def in_quiet_hours(moment: datetime, zone: ZoneInfo, quiet: tuple[int, int] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    hour = moment.astimezone(zone).hour
    return (start <= hour or hour < end) if start > end else (start <= hour < end)


def quiet_end(moment: datetime, zone: ZoneInfo, quiet: tuple[int, int]) -> datetime:
    """The first moment after the quiet hours that contain `moment`."""
    local = moment.astimezone(zone)
    morning = datetime.combine(local.date(), time(quiet[1]), tzinfo=zone)
    if morning <= local:
        morning = datetime.combine(local.date() + timedelta(days=1), time(quiet[1]), tzinfo=zone)
    return morning


def quiet_start_before(moment: datetime, zone: ZoneInfo, quiet: tuple[int, int]) -> datetime:
    """The last minute before the quiet hours that contain `moment` began."""
    local = moment.astimezone(zone)
    evening = datetime.combine(local.date(), time(quiet[0]), tzinfo=zone)
    if evening > local:
        evening -= timedelta(days=1)
    return evening - timedelta(minutes=1)


def allowed_time(
    due: datetime, zone: ZoneInfo, quiet: tuple[int, int] | None, latest: datetime | None = None
) -> datetime | None:
    """`due`, or the next morning when `due` falls in quiet hours; if the morning is too late (not before
    `latest`), the evening before the quiet hours; None when no allowed moment is left."""
    if not in_quiet_hours(due, zone, quiet):
        return due
    assert quiet is not None
    morning = quiet_end(due, zone, quiet)
    if latest is None or morning < latest:
        return morning
    evening = quiet_start_before(due, zone, quiet)
    return evening if not in_quiet_hours(evening, zone, quiet) else None
