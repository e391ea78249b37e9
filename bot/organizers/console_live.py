"""The training's page, live: who comes (confirmations, seats offered) without a reload.

The page carries a version of what it shows. Its script (/console/static/live.js) asks
`GET /console/trainings/{code}/live` every few seconds with that version in `If-None-Match`; an unchanged state
answers 304 after one small query (no people's data read, nothing rendered), a changed one the page's live parts
(training_live.html) with the new version as the ETag. The endpoint is a console page like the others: the
signed-in session, the `registrants` permission, the organizer's scope (another's training: 404); signed out it
redirects to the sign-in page, which the script reads as "signed out". Without the script the page is as served.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.i18n import use_language
from bot.organizers import queries
from bot.organizers.accounts import Staff
from bot.organizers.console import HEADERS, Console, language_of, render
from bot.organizers.scope import scoped
from bot.organizers.texts_attendance import live_texts
from bot.services import confirmations
from db.models import StaffCredential

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).resolve().parent / "static" / "live.js"
POLL_SECONDS = 5.0  # how often an open, visible page asks whether anything changed
RETRY_MAX_SECONDS = 60.0  # after failures the page waits twice as long each time, up to this
# The page runs its own script and asks its own origin; nothing else changes in the console's policy.
PAGE_CSP = HEADERS["Content-Security-Policy"] + "; script-src 'self'; connect-src 'self'"


def wanted_of(request: Request) -> dict[str, str]:
    """The page's filters (status, regency, craft, channel), empty = any."""
    return {name: request.query_params.get(name, "").strip() for name in queries.FILTERS}


def version(state: list[queries.State], found: queries.TrainingRow, staff: Staff, language: str,
            wanted: dict[str, str]) -> str:
    """An ETag of everything the live parts show: the registrations' state and what else shapes the parts."""
    lines = sorted(f"{rid}:{status}:{confirmation or ''}:{until.isoformat() if until else ''}"
                   for rid, status, confirmation, until in state)
    training = found.training
    lines += [f"quota:{training.quota}", f"confirm_days:{training.confirm_days}", f"role:{staff.role}",
              f"lang:{language}", *(f"{name}={value}" for name, value in sorted(wanted.items()))]
    return '"' + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:20] + '"'


def _matches(header: str | None, tag: str) -> bool:
    """Whether an If-None-Match header names `tag` (weak or strong, one of a list, or *)."""
    if not header:
        return False
    names = {part.strip().removeprefix("W/") for part in header.split(",")}
    return tag in names or "*" in names


def live_parts(request: Request, staff: Staff, found: queries.TrainingRow,
               people: list[queries.Registrant]) -> dict[str, Any]:
    """What the live parts render (the page and the endpoint alike), with the page's live config."""
    wanted, language = wanted_of(request), language_of(request)
    code = found.training.code
    filters = {name: value for name, value in wanted.items() if value}
    with use_language(language):
        texts = live_texts()
    live = {"url": f"/console/trainings/{code}/live" + (f"?{urlencode(filters)}" if filters else ""),
            "version": version(queries.state_of(people), found, staff, language, wanted), "lang": language,
            "poll_ms": int(POLL_SECONDS * 1000), "retry_max_ms": int(RETRY_MAX_SECONDS * 1000), "texts": texts}
    return {"item": found, "people": queries.matching(people, wanted), "counts": queries.counts(people),
            "wanted": wanted, "choices": queries.choices(people), "attendance": queries.attendance(people),
            "offered": queries.offered(people), "confirm_days": confirmations.confirm_days(found.training),
            "live": live}


class LivePages:
    def __init__(self, console: Console) -> None:
        self.side = console.side

    async def parts(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """The page's live parts, or 304 when the version the page has is still the state's."""
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return render(request, "message.html", 404, staff=staff, csrf=credential.csrf,
                              message_key="not_found")
            state = await queries.attendance_state(session, found.training.id)
            tag = version(state, found, staff, language_of(request), wanted_of(request))
            if _matches(request.headers.get("if-none-match"), tag):
                return Response(status_code=304, headers={**HEADERS, "ETag": tag})
            people = await queries.registrants(session, found.training.id)
        context = live_parts(request, staff, found, people)  # its version from the rows rendered
        response = render(request, "training_live.html", staff=staff, csrf=credential.csrf, **context)
        response.headers["ETag"] = context["live"]["version"]
        return response

    async def script(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return Response(SCRIPT.read_bytes(), media_type="text/javascript; charset=utf-8",
                        headers={**HEADERS, "Cache-Control": "no-cache"})


def routes(console: Console) -> list[BaseRoute]:
    pages, page = LivePages(console), console.page
    return [
        Route("/console/static/live.js", page("registrants", pages.script), methods=["GET"]),
        Route("/console/trainings/{code}/live", page("registrants", pages.parts), methods=["GET"]),
    ]
