"""The console's check-in at the door: pick the training (today's first), the scanning page, its JSON scan
endpoint, and the printable attendance sheet.

The page works offline: it carries the training's live registrants (name, ticket, today's time) for its search,
queues every scan in the browser's localStorage with a random client id, and sends each one to
`POST /console/trainings/{code}/checkin` (the session cookie plus the session's CSRF token in the
`X-CSRF-Token` header) when the connection is back; the server answers a retried id as the first time.
The script is the console's own file (/console/static/checkin.js): nothing is fetched from elsewhere.
"""

from __future__ import annotations

import hmac
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.i18n import use_language
from bot.organizers import audit, checkin, queries
from bot.organizers.accounts import Staff
from bot.organizers.console import HEADERS, Console, _redirect, language_of, render
from bot.organizers.scope import scoped
from bot.organizers.texts_checkin import reason_texts, script_texts
from bot.services import checkins
from db.models import StaffCredential

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).resolve().parent / "static" / "checkin.js"
CSRF_HEADER = "x-csrf-token"
# The scanning page runs its own script, talks to its own origin, and shows the camera (a MediaStream).
PAGE_CSP = HEADERS["Content-Security-Policy"] + "; script-src 'self'; connect-src 'self'; media-src 'self' blob:"
UPCOMING_DAYS = 14  # how far ahead the picker lists trainings after today's


def _json(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=HEADERS)


class CheckinPages:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.side = console.side
        self.app = console.app

    def _not_found(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return render(request, "message.html", 404, staff=staff, csrf=credential.csrf, message_key="not_found")

    async def pick(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """The organizer's trainings taking place today, then those of the coming days."""
        now = self.app.clock()
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            rows = await queries.trainings(session)
        today, soon = [], []
        for row in rows:
            t = row.training
            if t.status == "cancelled":
                continue
            days = checkins.training_days(t)
            local = checkins.local_day(t, now)
            if local in days:
                today.append(row)
            elif days[0] > local and (days[0] - local).days <= UPCOMING_DAYS:
                soon.append(row)
        return render(request, "checkin_pick.html", staff=staff, csrf=credential.csrf, today=today, soon=soon)

    async def page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        now = self.app.clock()
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return self._not_found(request, staff, credential)
            training = found.training
            people = await queries.registrants(session, training.id)
            came = await checkins.days_of(session, training)
            failed = await checkins.attempts(session, training, limit=20)
        days, today = checkins.training_days(training), checkins.local_day(training, now)
        zone = checkins.zone_for(training).zone
        roster = [{"ticket": p.code, "name": p.name or "", "status": p.status,
                   "at": f"{came[p.id][today].astimezone(zone):%H:%M}" if today in came.get(p.id, {}) else None}
                  for p in people if p.status != "cancelled"]
        language = language_of(request)
        with use_language(language):
            texts = script_texts()
        config = {"training": training.code, "post": f"/console/trainings/{training.code}/checkin",
                  "csrf": credential.csrf, "people": roster, "texts": texts}
        response = render(request, "checkin.html", staff=staff, csrf=credential.csrf, training=training,
                          days=days, today=today, day_number=days.index(today) + 1 if today in days else None,
                          config=config, arrived=sum(1 for p in roster if p["at"]),
                          seated=sum(1 for p in roster if p["status"] == "registered"), failed=failed,
                          reason_texts=reason_texts(), zone=zone)
        response.headers["Content-Security-Policy"] = PAGE_CSP
        return response

    async def scan(self, request: Request) -> Response:
        """A scan from the page (JSON in, JSON out, the API's shapes). Signed out, a fetch gets 401 (a redirect
        would hand it the sign-in page) and anything else the sign-in page; 401 and 403 keep the page's queue."""
        found = await self.console._session_of(request)
        if found is None:
            if request.headers.get("content-type", "").startswith("application/json"):
                return _json(401, {"errors": [{"field": None, "message": "sign in again"}], "reason": "signed_out"})
            return _redirect(f"/console/login?next={quote(request.url.path)}")
        staff, credential = found
        submitted = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(submitted, credential.csrf or ""):
            return _json(403, {"errors": [{"field": None, "message": "the page is stale: reload it"}],
                               "reason": "csrf"})
        if not staff.may("checkin"):
            return _json(403, {"errors": [{"field": None, "message": f"the role {staff.role} may not check in"}],
                               "reason": "forbidden"})
        code = request.path_params["code"]
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            if await queries.training(session, code) is None:  # asked first: another's answers 404 whatever the body
                return _json(404, {"errors": [{"field": None, "message": "no such training"}]})
        scan = checkin.read_scan(await request.body())
        if isinstance(scan, tuple):
            return _json(*scan)
        status, body = await checkin.check_in(self.side, staff, code, scan, "console",
                                              request.client.host if request.client else None)
        return _json(status, body)

    async def sheet(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """The attendance sheet to print: seated registrants, a column per day (the time, or a box to sign)."""
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session, session.begin():
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return self._not_found(request, staff, credential)
            training = found.training
            people = [p for p in await queries.registrants(session, training.id) if p.status == "registered"]
            came = await checkins.days_of(session, training)
            await audit.record(session, "attendance_exported", staff.email, self.app.clock(),
                               organizer_id=staff.organizer_id, staff_id=staff.id, target=training.code,
                               ip=request.client.host if request.client else None,
                               detail={"by": "console", "format": "html"})
        return render(request, "attendance.html", staff=staff, csrf=credential.csrf, training=training,
                      people=people, days=checkins.training_days(training), came=came,
                      zone=checkins.zone_for(training).zone)

    async def script(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return Response(SCRIPT.read_bytes(), media_type="text/javascript; charset=utf-8",
                        headers={**HEADERS, "Cache-Control": "no-cache"})


def routes(console: Console) -> list[BaseRoute]:
    pages, page = CheckinPages(console), console.page
    base = "/console/trainings/{code}"
    return [
        Route("/console/static/checkin.js", page("checkin", pages.script), methods=["GET"]),
        Route("/console/checkin", page("checkin", pages.pick), methods=["GET"]),
        Route(f"{base}/checkin", page("checkin", pages.page), methods=["GET"]),
        Route(f"{base}/checkin", pages.scan, methods=["POST"]),
        Route(f"{base}/attendance", page("registrants", pages.sheet), methods=["GET"]),
    ]
