"""One check-in request, as the API and the console's check-in page both send it: read the JSON body, scan the
ticket on the organizer's scoped session (bot.services.checkins), audit a check-in, and answer with one shape.

201: the registration (contracts.md) with this check-in's `checked_in_at` and `day`. Refused: the API's error
shape plus `reason` (bot.services.checkins.REASONS) and, for `already` (409), the first check-in's time.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.organizers import audit, queries
from bot.organizers.accounts import Staff
from bot.organizers.scope import scoped
from bot.organizers.trainings import local_iso
from bot.organizers.web import Side
from bot.services import checkins

logger = logging.getLogger(__name__)

MAX_BODY = 4 * 1024  # bytes of JSON one scan may take
ATTEMPTS = 2  # a scan that met another at the same moment (a unique key) runs once more: it then sees that one
STATUS_OF = {"unknown": 404, "other_training": 404, "cancelled": 422, "waitlisted": 422, "not_today": 422,
             "already": 409}
MESSAGES = {
    "unknown": "no such ticket for this training",
    "other_training": "no such ticket for this training (it is another training's)",
    "cancelled": "the ticket's registration is cancelled",
    "waitlisted": "the ticket's registration is waitlisted",
    "not_today": "the training does not take place today",
    "already": "this ticket is already checked in today",
}


@dataclass(frozen=True)
class ScanRequest:
    ticket: str
    client_id: str | None
    scanned_at: datetime | None


def error(status: int, message: str, field: str | None = None, **extra: Any) -> tuple[int, dict[str, Any]]:
    return status, {"errors": [{"field": field, "message": message}], **extra}


def read_scan(body: bytes) -> ScanRequest | tuple[int, dict[str, Any]]:
    """The scan in a JSON body (`ticket`, optional `client_id`, optional `scanned_at`), or the 422 answer."""
    try:
        data = json.loads(body) if len(body) <= MAX_BODY else None
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    ticket = data.get("ticket") if isinstance(data, dict) else None
    if not isinstance(ticket, str) or not ticket.strip() or len(ticket) > checkins.TICKET_MAX:
        return error(422, "ticket is required (the code on the person's entry pass)", "ticket")
    assert isinstance(data, dict)
    client_id = data.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or not client_id.strip()
                                  or len(client_id) > checkins.CLIENT_ID_MAX):
        return error(422, f"client_id is a string of at most {checkins.CLIENT_ID_MAX} characters", "client_id")
    raw_at = data.get("scanned_at")
    scanned_at = None
    if raw_at is not None:
        try:
            scanned_at = datetime.fromisoformat(raw_at) if isinstance(raw_at, str) else None
        except ValueError:
            scanned_at = None
        if scanned_at is None or scanned_at.tzinfo is None:
            return error(422, "scanned_at is an ISO 8601 time with its offset", "scanned_at")
    return ScanRequest(ticket.strip(), client_id.strip() if client_id else None, scanned_at)


def answer(scan: checkins.Scan, person: queries.Registrant | None, region: str) -> tuple[int, dict[str, Any]]:
    """The status and JSON of a scan's outcome."""
    from bot.organizers.api import registration_json  # the API owns the registration's shape

    shown = registration_json(person) if person is not None else None
    if scan.reason is None:
        assert shown is not None
        return 201, {**shown, "checked_in_at": local_iso(scan.checked_in_at, region), "day": scan.day.isoformat(),
                     "replayed": scan.replayed}
    return error(STATUS_OF[scan.reason], MESSAGES[scan.reason], "ticket", reason=scan.reason,
                 day=scan.day.isoformat(), checked_in_at=local_iso(scan.first_at, region), registration=shown)


async def check_in(side: Side, staff: Staff, code: str, request: ScanRequest, by: str,
                   ip: str | None = None) -> tuple[int, dict[str, Any]]:
    """Scan a ticket at the organizer's training `code` (404 when it is not theirs) and say what it did."""
    for attempt in range(ATTEMPTS):
        now = side.app.clock()
        async with scoped(side.scoped_maker, staff.organizer_id) as session:
            try:
                async with session.begin():
                    found = await queries.training(session, code)
                    if found is None:
                        return error(404, "no such training")
                    training = found.training
                    scan = await checkins.scan(session, training, request.ticket, staff.id, now,
                                               request.client_id, request.scanned_at)
                    if scan.reason is None and not scan.replayed:
                        await audit.record(session, "checkin", staff.email, now, organizer_id=staff.organizer_id,
                                           staff_id=staff.id, target=scan.ticket, ip=ip,
                                           detail={"by": by, "day": scan.day.isoformat()})
            except IntegrityError:  # the same ticket or scan at the same moment: the next round sees it
                if attempt + 1 == ATTEMPTS:
                    raise
                continue
            person = None
            if scan.registration is not None:
                people = await queries.registrants(session, training.id)
                person = next((p for p in people if p.id == scan.registration.id), None)
        return answer(scan, person, training.regency or training.province)
    raise AssertionError("unreachable")
