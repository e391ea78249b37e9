"""The API under /api/v1/ (JSON, `Authorization: Bearer TOKEN`), as contracts.md has it, and its OpenAPI document.

A token resolves to one staff member (organizer and role) once per request; every query then runs on a
session scoped to that organizer, so another organizer's training answers 404 as if it did not exist.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.i18n import normalize_language
from bot.nlu.codes import normalize_code
from bot.organizers import accounts, audit, checkin, queries, trainings
from bot.organizers.accounts import Staff
from bot.organizers.console_registrants import XLSX_TYPE, attendance_sheet, download
from bot.organizers.openapi import openapi_document
from bot.organizers.scope import scoped
from bot.organizers.trainings import import_columns, local_iso
from bot.organizers.web import Side
from bot.services.catalogue import COLUMNS, OPTIONAL

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024  # bytes of JSON a training may take
LAST_USED_PRECISION = timedelta(minutes=5)  # how fresh a token's last_used_at is kept
Handler = Callable[[Request, Staff], Awaitable[Response]]


def problem(status: int, message: str, field: str | None = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"errors": [{"field": field, "message": message}]}, status_code=status, headers=headers)


def training_json(row: queries.TrainingRow, organizer: str) -> dict[str, Any]:
    """A training with the import columns' names (times in the province's own offset), seats_left, registered."""
    t = row.training
    region = t.regency or t.province
    return {
        "code": t.code, "title": t.title, "craft": t.craft, "organizer": organizer, "province": t.province,
        "regency": t.regency, "venue": t.venue, "mode": t.mode, "starts_at": local_iso(t.starts_at, region),
        "ends_at": local_iso(t.ends_at, region), "registration_deadline": local_iso(t.registration_deadline, region),
        "quota": t.quota, "fee": t.fee, "contact": t.contact, "description": t.description,
        "requirements": t.requirements, "status": t.status, "confirm_days": t.confirm_days,
        "seats_left": row.seats_left,
        "registered": row.registered,
    }


def registration_json(person: queries.Registrant) -> dict[str, Any]:
    return {"id": person.id, "name": person.name, "phone": person.phone, "regency": person.regency,
            "craft": person.crafts[0] if person.crafts else None, "status": person.status,
            "ticket": person.code,
            "checked_in_at": person.checked_in_at.isoformat() if person.checked_in_at else None}


def field_of(reason: str) -> str | None:
    """The column a reason of the importer is about (it names it first), or None."""
    first = reason.split(" ", 1)[0].strip("'\":,")
    return first if first in COLUMNS or first in OPTIONAL else None


class Refused(Exception):
    """A request refused inside a transaction: raised to roll it back, answered with `answer`."""

    def __init__(self, answer: Response) -> None:
        super().__init__(answer.status_code)
        self.answer = answer


class Api:
    def __init__(self, side: Side) -> None:
        self.side = side
        self.app = side.app

    def endpoint(self, permission: str, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                return problem(401, "an Authorization: Bearer token is required")
            now = self.app.clock()
            async with self.app.sessionmaker() as session, session.begin():
                found = await accounts.resolve(session, token.strip(), "api", now)
                if found is not None and (found[1].last_used_at is None
                                          or found[1].last_used_at < now - LAST_USED_PRECISION):
                    found[1].last_used_at = now  # a write now and then, not one per request
            if found is None:
                return problem(401, "the token is not valid")
            staff = found[0]
            if not staff.may(permission):
                return problem(403, f"the role {staff.role} may not do this")
            return await handler(request, staff)
        return run

    async def list_trainings(self, request: Request, staff: Staff) -> Response:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            rows = await queries.trainings(session)
        return JSONResponse({"items": [training_json(row, staff.organizer) for row in rows]})

    async def one_training(self, request: Request, staff: Staff) -> Response:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            row = await queries.training(session, request.path_params["code"])
        if row is None:
            return problem(404, "no such training")
        return JSONResponse(training_json(row, staff.organizer))

    async def registrations(self, request: Request, staff: Staff) -> Response:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            row = await queries.training(session, request.path_params["code"])
            if row is None:
                return problem(404, "no such training")
            people = await queries.registrants(session, row.training.id)
        wanted = {name: request.query_params.get(name, "").strip() for name in queries.FILTERS}
        if wanted["status"] and wanted["status"] not in queries.STATUSES:
            return problem(422, f"status is one of {', '.join(queries.STATUSES)}", "status")
        return JSONResponse({"items": [registration_json(person) for person in queries.matching(people, wanted)]})

    async def _body(self, request: Request) -> dict[str, Any] | JSONResponse:
        """The request's JSON object of import columns, or the 422 answer saying what is wrong with it."""
        body = await request.body()
        if len(body) > MAX_BODY:
            return problem(422, f"the body may have at most {MAX_BODY} bytes")
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return problem(422, "the body is not JSON")
        if not isinstance(data, dict):
            return problem(422, "the body is not a JSON object")
        unknown = sorted(set(data) - set(COLUMNS) - OPTIONAL)
        if unknown:
            return JSONResponse({"errors": [{"field": name, "message": f"{name} is not a column"}
                                            for name in unknown]}, status_code=422)
        return {name: "" if value is None else value for name, value in data.items()}

    async def _save(self, session: AsyncSession, staff: Staff, row: dict[str, Any], action: str) -> None:
        """Save through the one path the console uses too; Refused (422, per field) when the row is refused."""
        reasons = await trainings.save(session, staff, row, action, self.app.clock(), self.app.settings.policy,
                                       by="api")
        if reasons:
            raise Refused(JSONResponse({"errors": [{"field": field_of(r), "message": r} for r in reasons]},
                                       status_code=422))

    async def create_training(self, request: Request, staff: Staff) -> Response:
        row = await self._body(request)
        if isinstance(row, JSONResponse):
            return row
        code = normalize_code(str(row.get("code", "")))
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            try:
                async with session.begin():
                    if code and await queries.training(session, code) is not None:
                        raise Refused(problem(409, f"a training with code {code} exists", "code"))
                    await self._save(session, staff, row, "training_created")
            except Refused as refused:  # the transaction is rolled back: nothing half-saved
                return refused.answer
            except IntegrityError:  # the code is another organizer's
                return problem(409, f"a training with code {code} exists", "code")
            created = await queries.training(session, code)
        assert created is not None
        return JSONResponse(training_json(created, staff.organizer), status_code=201)

    async def _exists(self, staff: Staff, code: str) -> bool:
        """Whether the training is this organizer's: asked first, so another's answers 404 whatever the body."""
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            return await queries.training(session, code) is not None

    async def change_training(self, request: Request, staff: Staff) -> Response:
        if not await self._exists(staff, request.path_params["code"]):
            return problem(404, "no such training")
        changes = await self._body(request)
        if isinstance(changes, JSONResponse):
            return changes
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            try:
                async with session.begin():
                    found = await queries.training(session, request.path_params["code"])
                    if found is None:
                        raise Refused(problem(404, "no such training"))
                    code = found.training.code
                    if "code" in changes and normalize_code(str(changes["code"])) != code:
                        raise Refused(problem(422, "code cannot change (create a new training instead)", "code"))
                    row = {**import_columns(found.training), **changes, "code": code}
                    await self._save(session, staff, row, "training_changed")
            except Refused as refused:
                return refused.answer
            changed = await queries.training(session, code)
        assert changed is not None
        return JSONResponse(training_json(changed, staff.organizer))

    async def check_in(self, request: Request, staff: Staff) -> Response:
        """Record a registrant's arrival today from their ticket (bot.organizers.checkin): 201 once a day, 409 with
        the first time, 404 for a ticket of another training (or of nobody), 422 for no seat or not today."""
        if not await self._exists(staff, request.path_params["code"]):
            return problem(404, "no such training")
        scan = checkin.read_scan(await request.body())
        if isinstance(scan, tuple):
            status, body = scan
        else:
            status, body = await checkin.check_in(self.side, staff, request.path_params["code"], scan, "api")
        return JSONResponse(body, status_code=status)

    async def attendance(self, request: Request, staff: Staff) -> Response:
        """The attendance sheet (registrants, check-in times) as XLSX, in `?lang=` (Indonesian by default)."""
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session, session.begin():
            row = await queries.training(session, request.path_params["code"])
            if row is None:
                return problem(404, "no such training")
            body = await attendance_sheet(session, row.training, normalize_language(request.query_params.get("lang")))
            await audit.record(session, "attendance_exported", staff.email, self.app.clock(),
                               organizer_id=staff.organizer_id, staff_id=staff.id, target=row.training.code,
                               detail={"by": "api", "format": "xlsx"})
        return download(body, XLSX_TYPE, f"{row.training.code}-daftar-hadir.xlsx")

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document())


def routes(side: Side) -> list[BaseRoute]:
    api = Api(side)
    return [
        Route("/api/v1/openapi.json", api.openapi, methods=["GET"]),
        Route("/api/v1/trainings", api.endpoint("view", api.list_trainings), methods=["GET"]),
        Route("/api/v1/trainings", api.endpoint("edit", api.create_training), methods=["POST"]),
        Route("/api/v1/trainings/{code}", api.endpoint("view", api.one_training), methods=["GET"]),
        Route("/api/v1/trainings/{code}", api.endpoint("edit", api.change_training), methods=["PATCH"]),
        Route("/api/v1/trainings/{code}/registrations", api.endpoint("registrants", api.registrations),
              methods=["GET"]),
        Route("/api/v1/trainings/{code}/checkins", api.endpoint("checkin", api.check_in), methods=["POST"]),
        Route("/api/v1/trainings/{code}/attendance.xlsx", api.endpoint("registrants", api.attendance),
              methods=["GET"]),
    ]
