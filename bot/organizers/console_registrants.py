"""The console's registrant actions on a training: add a nominee, move one from the waitlist, cancel one with a
reason, and the downloads (registrants as CSV/XLSX with the page's filters, the attendance sheet).

Every action runs on the organizer's scoped session in one transaction, through the chat's own services
(bot.services.nominees over Registrations: one quota rule), and is audited; a refusal rolls everything back.
A registration is named by its code in the form (not in the path), so every route has the training's code only.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any
from urllib.parse import quote, urlencode

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.crafts import CRAFTS
from bot.organizers import audit, queries
from bot.organizers.accounts import Staff
from bot.organizers.console import HEADERS, Console, _redirect, language_of, render
from bot.organizers.scope import scoped
from bot.services import exports, nominees
from bot.services.catalogue.places import regency_cell
from bot.services.registrations import RegistrationRefused
from db.models import Registration, StaffCredential, Training

logger = logging.getLogger(__name__)

NAME_MAX = 120  # as Artisan.full_name
NOTE_MAX = 200  # as Registration.note
REASON_MAX = 200  # as Registration.cancel_reason
REGENCY_MAX = 100
CODE_MAX = 32
FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE = ("added", "waitlisted", "admitted", "cancelled")
Errors = dict[str, tuple[str, dict[str, Any]]]  # field -> (text name, its placeholders)


class Refused(Exception):
    """An action refused inside its transaction (raised to roll it back): the errors to show, per field."""

    def __init__(self, errors: Errors) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _refusal(refused: RegistrationRefused) -> Errors:
    """What the chat's refusal means on the add form (the phone field for a duplicate)."""
    if refused.reason == "already" and refused.registration is not None:
        return {"phone": ("already_registered", {"code": refused.registration.code,
                                                 "status": refused.registration.status})}
    return {"form": (f"refused_{refused.reason}", {})}


def read_nominee(form: FormData) -> tuple[nominees.Nominee | None, Errors]:
    """The add form's nominee, or the errors of every field that is wrong."""
    name, raw_phone, raw_regency, note = (_text(form, n) for n in ("name", "phone", "regency", "note"))
    crafts = tuple(dict.fromkeys(c for c in form.getlist("crafts") if isinstance(c, str) and c in CRAFTS))
    errors: Errors = {}
    if not name or len(name) > NAME_MAX:
        errors["name"] = ("name_required", {"max": NAME_MAX})
    phone = nominees.phone_e164(raw_phone) if len(raw_phone) <= 40 else None
    if phone is None:
        errors["phone"] = ("phone_invalid", {})
    regency = None
    try:
        regency = regency_cell({"regency": raw_regency[:REGENCY_MAX + 1]}, None) if raw_regency else None
    except ValueError:
        pass
    if regency is None:
        errors["regency"] = ("regency_invalid", {})
    if not crafts:
        errors["crafts"] = ("crafts_required", {})
    if len(note) > NOTE_MAX:
        errors["note"] = ("note_too_long", {"max": NOTE_MAX})
    if errors or phone is None or regency is None:
        return None, errors
    return nominees.Nominee(name, phone, regency, crafts, note or None), {}


def _filename(code: str, what: str, extension: str) -> str:
    return f"{FILENAME_UNSAFE.sub('_', code)}-{what}.{extension}"


def download(body: bytes, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})


class Registrants:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.side = console.side
        self.app = console.app

    def _session(self, staff: Staff) -> AsyncSession:
        return scoped(self.side.scoped_maker, staff.organizer_id)

    async def _training(self, staff: Staff, code: str) -> Training | None:
        async with self._session(staff) as session:
            found = await queries.training(session, code)
        return found.training if found else None

    @staticmethod
    def _not_found(request: Request, staff: Staff, credential: StaffCredential,
                   key: str = "not_found") -> Response:
        return render(request, "message.html", 404, staff=staff, csrf=credential.csrf, message_key=key)

    async def _audit(self, session: AsyncSession, request: Request, staff: Staff, action: str, target: str,
                     **detail: Any) -> None:
        await audit.record(session, action, staff.email, self.app.clock(), organizer_id=staff.organizer_id,
                           staff_id=staff.id, target=target, ip=request.client.host if request.client else None,
                           detail={"by": "console", **detail})

    def _done(self, code: str, what: str, told: bool, promoted: int = 0) -> Response:
        query = urlencode({"what": what, "told": int(told), "promoted": promoted})
        return _redirect(f"/console/trainings/{quote(code)}/registrants/done?{query}")

    # -- adding a nominee -------------------------------------------------------------------------------

    async def new(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        training = await self._training(staff, request.path_params["code"])
        if training is None:
            return self._not_found(request, staff, credential)
        return self._form(request, staff, credential, training)

    def _form(self, request: Request, staff: Staff, credential: StaffCredential, training: Training,
              status: int = 200, errors: Errors | None = None, values: dict[str, Any] | None = None) -> Response:
        return render(request, "registrant_new.html", status, staff=staff, csrf=credential.csrf, training=training,
                      errors=errors or {}, values=values or {"crafts": [training.craft]}, crafts=CRAFTS,
                      limits={"name": NAME_MAX, "note": NOTE_MAX})

    async def add(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        training = await self._training(staff, request.path_params["code"])
        if training is None:
            return self._not_found(request, staff, credential)
        form = await request.form()
        nominee, errors = read_nominee(form)
        values: dict[str, Any] = {name: _text(form, name) for name in ("name", "phone", "regency", "note")}
        values["crafts"] = form.getlist("crafts")
        if nominee is None:
            return self._form(request, staff, credential, training, 422, errors, values)
        now = self.app.clock()
        try:
            async with self._session(staff) as session, session.begin():
                found = await queries.training(session, training.code)
                if found is None:
                    return self._not_found(request, staff, credential)
                try:
                    outcome = await nominees.add(session, found.training, nominee, now, self.app.settings.policy)
                except RegistrationRefused as refused:
                    raise Refused(_refusal(refused)) from refused
                registration = outcome.registration
                await self._audit(session, request, staff, "registrant_added", registration.code,
                                  training=found.training.code, status=registration.status, told=outcome.told)
        except Refused as refused:  # rolled back: no person, no registration, no notice
            return self._form(request, staff, credential, training, 422, refused.errors, values)
        logger.info("console: %s added to %s (%s)", registration.code, training.code, registration.status)
        what = "added" if registration.status == "registered" else "waitlisted"
        return self._done(training.code, what, outcome.told)

    # -- one registration: move from the waitlist, cancel ------------------------------------------------

    @staticmethod
    async def _registration(session: AsyncSession, training: Training, code: str) -> Registration | None:
        if not code or len(code) > CODE_MAX:
            return None
        return (await session.execute(select(Registration).where(
            Registration.training_id == training.id, func.upper(Registration.code) == code.upper()))
        ).scalar_one_or_none()

    async def admit(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Move a waitlisted person to registered; refused (409, nothing changed) when the quota is full."""
        training = await self._training(staff, request.path_params["code"])
        if training is None:
            return self._not_found(request, staff, credential)
        code = _text(await request.form(), "registration")
        now = self.app.clock()
        async with self._session(staff) as session, session.begin():
            found = await queries.training(session, training.code)
            registration = await self._registration(session, training, code) if found else None
            if found is None or registration is None:
                return self._not_found(request, staff, credential, "no_such_registration")
            try:
                outcome = await nominees.admit(session, found.training, registration, now, self.app.settings.policy)
            except RegistrationRefused as refused:
                key = "full" if refused.reason == "full" else "not_waitlisted"
                return self._message(request, staff, credential, training, 409, key)
            await self._audit(session, request, staff, "registrant_admitted", registration.code,
                              training=training.code, told=outcome.told)
        return self._done(training.code, "admitted", outcome.told)

    def _message(self, request: Request, staff: Staff, credential: StaffCredential, training: Training,
                 status: int, key: str, **params: Any) -> Response:
        return render(request, "registrant_done.html", status, staff=staff, csrf=credential.csrf, training=training,
                      message_key=key, params=params, problem=status >= 400)

    async def cancel_page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        training = await self._training(staff, request.path_params["code"])
        if training is None:
            return self._not_found(request, staff, credential)
        async with self._session(staff) as session:
            registration = await self._registration(session, training, request.query_params.get("registration", ""))
            people = await queries.registrants(session, training.id) if registration else []
        person = next((p for p in people if registration and p.id == registration.id), None)
        if person is None:
            return self._not_found(request, staff, credential, "no_such_registration")
        return self._cancel_form(request, staff, credential, training, person)

    def _cancel_form(self, request: Request, staff: Staff, credential: StaffCredential, training: Training,
                     person: queries.Registrant, status: int = 200, errors: Errors | None = None,
                     reason: str = "") -> Response:
        return render(request, "registrant_cancel.html", status, staff=staff, csrf=credential.csrf,
                      training=training, person=person, errors=errors or {}, reason=reason,
                      limits={"reason": REASON_MAX})

    async def cancel(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Cancel a live registration with a reason (required): the person is told with it; a freed seat goes to
        the first on the waitlist, as in the chat."""
        training = await self._training(staff, request.path_params["code"])
        if training is None:
            return self._not_found(request, staff, credential)
        form = await request.form()
        code, reason = _text(form, "registration"), _text(form, "reason")
        now = self.app.clock()
        async with self._session(staff) as session, session.begin():
            found = await queries.training(session, training.code)
            registration = await self._registration(session, training, code) if found else None
            if found is None or registration is None:
                return self._not_found(request, staff, credential, "no_such_registration")
            if registration.status == "cancelled":
                return self._message(request, staff, credential, training, 409, "not_live")
            if not reason or len(reason) > REASON_MAX:
                person = next(p for p in await queries.registrants(session, training.id) if p.id == registration.id)
                return self._cancel_form(request, staff, credential, training, person, 422,
                                         {"reason": ("reason_required", {"max": REASON_MAX})}, reason)
            outcome = await nominees.cancel(session, found.training, registration, reason, now,
                                            self.app.settings.policy)
            await self._audit(session, request, staff, "registration_cancelled", registration.code,
                              training=training.code, told=outcome.told,
                              promoted=[r.code for r in outcome.promoted])
        return self._done(training.code, "cancelled", outcome.told, len(outcome.promoted))

    async def done(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        training = await self._training(staff, request.path_params["code"])
        if training is None:
            return self._not_found(request, staff, credential)
        what = request.query_params.get("what", "")
        promoted = request.query_params.get("promoted", "0")
        return render(request, "registrant_done.html", staff=staff, csrf=credential.csrf, training=training,
                      message_key=f"done_{what}" if what in DONE else None, problem=False, params={},
                      told=request.query_params.get("told") == "1",
                      promoted=int(promoted) if promoted.isdigit() else 0, what=what)

    # -- downloads ------------------------------------------------------------------------------------------

    async def _export(self, request: Request, staff: Staff, credential: StaffCredential, extension: str) -> Response:
        """The registrants the training page shows with the same filters, place and craft names in the console's
        language, formula-safe (bot.services.exports); audited."""
        language = language_of(request)
        wanted = {name: request.query_params.get(name, "").strip() for name in queries.FILTERS}
        async with self._session(staff) as session, session.begin():
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return self._not_found(request, staff, credential)
            shown = queries.matching(await queries.registrants(session, found.training.id), wanted)
            rows = await exports.registrants(session, found.training.code, language, only={p.id for p in shown})
            await self._audit(session, request, staff, "registrants_exported", found.training.code,
                              format=extension, rows=len(rows) - 1, filters={k: v for k, v in wanted.items() if v})
        name = _filename(found.training.code, "pendaftar", extension)
        if extension == "csv":
            out = io.StringIO()
            exports.write_csv(rows, out)
            return download(("\ufeff" + out.getvalue()).encode(), CSV_TYPE, name)  # the BOM: Excel reads UTF-8
        return download(exports.xlsx_bytes(rows, found.training.code), XLSX_TYPE, name)

    async def export_csv(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return await self._export(request, staff, credential, "csv")

    async def export_xlsx(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return await self._export(request, staff, credential, "xlsx")

    async def attendance(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        async with self._session(staff) as session, session.begin():
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return self._not_found(request, staff, credential)
            body = await attendance_sheet(session, found.training, language_of(request))
            await self._audit(session, request, staff, "attendance_exported", found.training.code, format="xlsx")
        return download(body, XLSX_TYPE, _filename(found.training.code, "daftar-hadir", "xlsx"))


async def attendance_sheet(session: AsyncSession, training: Training, language: str) -> bytes:
    """The attendance sheet's XLSX (the console's download and the API's attendance.xlsx)."""
    return exports.xlsx_bytes(await exports.attendance(session, training, language), training.code)


def routes(console: Console) -> list[BaseRoute]:
    registrants, page = Registrants(console), console.page
    base = "/console/trainings/{code}"
    return [
        Route(f"{base}/registrants/new", page("edit", registrants.new), methods=["GET"]),
        Route(f"{base}/registrants", page("edit", registrants.add, form=True), methods=["POST"]),
        Route(f"{base}/registrants/admit", page("edit", registrants.admit, form=True), methods=["POST"]),
        Route(f"{base}/registrants/cancel", page("edit", registrants.cancel_page), methods=["GET"]),
        Route(f"{base}/registrants/cancel", page("edit", registrants.cancel, form=True), methods=["POST"]),
        Route(f"{base}/registrants/done", page("registrants", registrants.done), methods=["GET"]),
        Route(f"{base}/registrants.csv", page("registrants", registrants.export_csv), methods=["GET"]),
        Route(f"{base}/registrants.xlsx", page("registrants", registrants.export_xlsx), methods=["GET"]),
        Route(f"{base}/attendance.xlsx", page("registrants", registrants.attendance), methods=["GET"]),
    ]
