"""The console's trainings: create one from a form, edit it, copy an earlier one, close its registration (the
import of a file with its dry run is `console_import`).

Every change goes through `trainings.save` on a session scoped to the staff member's organizer, so the form, the
API and the importer share one set of checks, the registrants of a moved training are told, and the audit log gets
one record per change. The organizer is always the staff member's own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.crafts import CRAFTS
from bot.i18n import LANGUAGES
from bot.nlu.codes import normalize_code
from bot.organizers import console_import, queries, trainings
from bot.organizers.accounts import Staff
from bot.organizers.api import field_of
from bot.organizers.console import CannotSave, Console, _redirect, render
from bot.organizers.scope import scoped
from bot.organizers.trainings import import_columns, local_iso
from bot.regions import region_name, zone_of
from bot.services.catalogue import MODES
from bot.services.catalogue.places import province_cell, regency_cell
from db.models import StaffCredential, Training

logger = logging.getLogger(__name__)

FORM_FIELDS = (
    "code", "title", "craft", "province", "regency", "venue", "mode", "starts_at", "ends_at",
    "registration_deadline", "quota", "fee", "contact", "description", "requirements", "language", "confirm_days",
)
MOMENTS = ("starts_at", "ends_at", "registration_deadline")  # local date-time inputs, in the province's time
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # the value of an <input type="datetime-local">
BOTH_TIMES_REQUIRED = "starts_at and ends_at"  # the importer's reason when either is empty
EARLIER_TRAININGS_SHOWN = 300  # in the "copy from" list of the new-training page


class FormRefused(Exception):
    """The form's values were refused (raised to roll the transaction back): the reasons by field."""

    def __init__(self, errors: dict[str, list[str]], general: list[str]) -> None:
        super().__init__("; ".join(general + [r for reasons in errors.values() for r in reasons]))
        self.errors = errors
        self.general = general


# -- the form's values ---------------------------------------------------------------------------------------

def form_values(form: FormData) -> dict[str, str]:
    """The training fields as typed (a missing field is empty; a file where text belongs is ignored)."""
    values = {}
    for name in FORM_FIELDS:
        value = form.get(name)
        values[name] = value if isinstance(value, str) else ""
    return values


def blank_values() -> dict[str, str]:
    return {**dict.fromkeys(FORM_FIELDS, ""), "mode": "offline", "language": "id"}


def local_input(moment: datetime | None, province: str) -> str:
    """An instant as a datetime-local value in the province's time (the importer reads it in that zone)."""
    return moment.astimezone(zone_of(province).zone).strftime(LOCAL_INPUT) if moment is not None else ""


def place_shown(province: str, regency: str | None) -> tuple[str, str]:
    """The province and regency as the form shows them: by name when the importer reads that name back as the same
    place (a few official names it does not know, such as Jakarta's "Kota Administrasi ...", stay codes)."""
    province_name = region_name(province) or province
    try:
        if province_cell({"province": province_name}) != province:
            province_name = province
    except ValueError:
        province_name = province
    if not regency:
        return province_name, ""
    regency_name = region_name(regency) or regency
    try:
        if regency_cell({"regency": regency_name}, province) != regency:
            regency_name = regency
    except ValueError:
        regency_name = regency
    return province_name, regency_name


def prefilled(t: Training) -> dict[str, str]:
    """A stored training as the form shows it: places by name (the importer reads names), local times."""
    province, regency = place_shown(t.province, t.regency)
    return {
        "code": t.code, "title": t.title, "craft": t.craft, "province": province, "regency": regency,
        "venue": t.venue, "mode": t.mode,
        **{name: local_input(getattr(t, name), t.province) for name in MOMENTS},
        "quota": "" if t.quota is None else str(t.quota), "fee": str(t.fee), "contact": t.contact,
        "description": t.description, "requirements": t.requirements or "", "language": t.language,
        "confirm_days": "" if t.confirm_days is None else str(t.confirm_days),
    }


def edited_row(t: Training, values: dict[str, str]) -> dict[str, Any]:
    """The stored training with the form's values merged in; a time left as the form showed it keeps its stored
    value (the form shows minutes only: an untouched start must not count as a move and notify anyone)."""
    row = {**import_columns(t), **values, "code": t.code}
    shown = prefilled(t)
    for name in MOMENTS:
        if values.get(name, "").strip() == shown[name]:
            row[name] = import_columns(t)[name]
    return row


def errors_by_field(reasons: Sequence[str], values: dict[str, str]) -> tuple[dict[str, list[str]], list[str]]:
    """The importer's reasons next to the fields they are about; those about no field of the form apart."""
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    for reason in reasons:
        if reason.startswith(BOTH_TIMES_REQUIRED):
            names = [n for n in ("starts_at", "ends_at") if not values.get(n, "").strip()] or ["starts_at"]
        else:
            name = field_of(reason)
            names = [name] if name in FORM_FIELDS else []
        for name in names:
            errors.setdefault(name, []).append(reason)
        if not names:
            general.append(reason)
    return errors, general


@dataclass(frozen=True)
class Named:
    """The training a form is about, as its page names it (kept apart: a rollback expires the row)."""

    code: str
    title: str


class TrainingPages:
    def __init__(self, console: Console) -> None:
        self.side = console.side
        self.app = console.app

    def _scoped(self, staff: Staff) -> AsyncSession:
        return scoped(self.side.scoped_maker, staff.organizer_id)

    @staticmethod
    def _not_found(request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return render(request, "message.html", 404, staff=staff, csrf=credential.csrf, message_key="not_found")

    def _form(self, request: Request, staff: Staff, credential: StaffCredential, kind: str, values: dict[str, str],
              *, status: int = 200, errors: dict[str, list[str]] | None = None, general: Sequence[str] = (),
              item: Named | None = None, earlier: Sequence[tuple[str, str]] = ()) -> Response:
        action = f"/console/trainings/{quote(item.code)}/edit" if kind == "edit" and item else "/console/trainings/new"
        return render(request, "training_form.html", status, staff=staff, csrf=credential.csrf, kind=kind,
                      values=values, errors=errors or {}, general=list(general), item=item, action=action,
                      crafts=CRAFTS, modes=MODES, training_languages=LANGUAGES, earlier=earlier)

    # -- create, copy, edit --------------------------------------------------------------------------------

    async def new_page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        source = request.query_params.get("from", "").strip()
        if source:  # the "copy from an earlier one" list of this page
            return _redirect(f"/console/trainings/{quote(source, safe='')}/copy")
        async with self._scoped(staff) as session:
            earlier = list((await session.execute(
                select(Training.code, Training.title).order_by(Training.starts_at.desc(), Training.code)
                .limit(EARLIER_TRAININGS_SHOWN))).tuples())
        return self._form(request, staff, credential, "new", blank_values(), earlier=earlier)

    async def copy_page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        async with self._scoped(staff) as session:
            found = await queries.training(session, request.path_params["code"])
        if found is None:
            return self._not_found(request, staff, credential)
        values = {**prefilled(found.training), "code": "", **dict.fromkeys(MOMENTS, "")}
        return self._form(request, staff, credential, "copy", values,
                          item=Named(found.training.code, found.training.title))

    async def create(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        values = form_values(await request.form())
        code = normalize_code(values["code"])
        try:
            async with self._scoped(staff) as session, session.begin():
                if code and await queries.training(session, code) is not None:
                    raise FormRefused({"code": ["code_taken"]}, [])
                await self._save(session, staff, values, values, "training_created")
        except FormRefused as refused:  # rolled back: nothing saved
            return self._form(request, staff, credential, "new", values, status=422, errors=refused.errors,
                              general=refused.general)
        except IntegrityError:  # the code is another organizer's
            return self._form(request, staff, credential, "new", values, status=422, errors={"code": ["code_taken"]})
        return _redirect(f"/console/trainings/{quote(code)}")

    async def edit_page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        async with self._scoped(staff) as session:
            found = await queries.training(session, request.path_params["code"])
        if found is None:
            return self._not_found(request, staff, credential)
        return self._form(request, staff, credential, "edit", prefilled(found.training),
                          item=Named(found.training.code, found.training.title))

    async def edit(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        values = form_values(await request.form())
        try:
            async with self._scoped(staff) as session, session.begin():
                found = await queries.training(session, request.path_params["code"])
                if found is None:
                    return self._not_found(request, staff, credential)
                item = Named(found.training.code, found.training.title)
                values["code"] = item.code  # a code never changes (copy the training instead)
                await self._save(session, staff, edited_row(found.training, values), values, "training_changed")
        except FormRefused as refused:
            return self._form(request, staff, credential, "edit", values, status=422, errors=refused.errors,
                              general=refused.general, item=item)
        return _redirect(f"/console/trainings/{quote(item.code)}")

    async def _save(self, session: AsyncSession, staff: Staff, row: dict[str, Any], values: dict[str, str],
                    action: str) -> None:
        reasons = await trainings.save(session, staff, row, action, self.app.clock(), self.app.settings.policy,
                                       by="console")
        if reasons:
            raise FormRefused(*errors_by_field(reasons, values))

    # -- close registration --------------------------------------------------------------------------------

    async def close(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Registration closes now: the deadline becomes this moment (the chat then answers that it is closed)."""
        now = self.app.clock()
        try:
            async with self._scoped(staff) as session, session.begin():
                found = await queries.training(session, request.path_params["code"])
                if found is None:
                    return self._not_found(request, staff, credential)
                item = found.training
                code, deadline = item.code, item.registration_deadline
                if item.status == "published" and item.starts_at > now and (deadline is None or deadline > now):
                    row = {**import_columns(item), "registration_deadline": local_iso(now, item.province)}
                    reasons = await trainings.save(session, staff, row, "registration_closed", now,
                                                   self.app.settings.policy, by="console")
                    if reasons:  # a stored training the importer refuses: rolled back, nothing changed
                        raise CannotSave("; ".join(reasons))
        except CannotSave as refused:
            logger.warning("closing registration of %s refused: %s", request.path_params["code"], refused)
            return render(request, "message.html", 409, staff=staff, csrf=credential.csrf,
                          message_key="cannot_close")
        return _redirect(f"/console/trainings/{quote(code)}")


def routes(console: Console) -> list[BaseRoute]:
    """The trainings' pages and the import; listed before /console/trainings/{code} so that "new" is not taken
    for a training's code."""
    pages = TrainingPages(console)
    page = console.page
    return [
        Route("/console/trainings/new", page("edit", pages.new_page), methods=["GET"]),
        Route("/console/trainings/new", page("edit", pages.create, form=True), methods=["POST"]),
        Route("/console/trainings/{code}/edit", page("edit", pages.edit_page), methods=["GET"]),
        Route("/console/trainings/{code}/edit", page("edit", pages.edit, form=True), methods=["POST"]),
        Route("/console/trainings/{code}/copy", page("edit", pages.copy_page), methods=["GET"]),
        Route("/console/trainings/{code}/close", page("edit", pages.close, form=True), methods=["POST"]),
        *console_import.routes(console),
    ]
