"""The console's trainings: create one from a form, edit it, copy an earlier one, close its registration, and
import a CSV or XLSX file after a dry run that lists every error of every row with nothing saved.

Every change goes through `trainings.save` (a file: the catalogue's import) on a session scoped to the staff
member's organizer, so the form, the API and the importer share one set of checks, the registrants of a moved
training are told, and the audit log gets one record per change. The organizer is always the staff member's own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.crafts import CRAFTS
from bot.i18n import LANGUAGES
from bot.nlu.codes import normalize_code
from bot.organizers import audit, queries, trainings
from bot.organizers.accounts import Staff
from bot.organizers.api import field_of
from bot.organizers.console import CannotSave, Console, _redirect, render
from bot.organizers.scope import scoped
from bot.organizers.trainings import import_columns, local_iso
from bot.organizers.uploads import SUFFIXES, Uploads
from bot.regions import region_name, zone_of
from bot.services.catalogue import (
    BATCH_ROWS,
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MODES,
    OPTIONAL,
    ImportFileError,
    ImportReport,
    RowError,
    check_rows,
    import_rows,
    read_rows,
)
from bot.services.catalogue.places import province_cell, regency_cell
from db.models import StaffCredential, Training

logger = logging.getLogger(__name__)

FORM_FIELDS = (
    "code", "title", "craft", "province", "regency", "venue", "mode", "starts_at", "ends_at",
    "registration_deadline", "quota", "fee", "contact", "description", "requirements", "language",
)
MOMENTS = ("starts_at", "ends_at", "registration_deadline")  # local date-time inputs, in the province's time
LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # the value of an <input type="datetime-local">
BOTH_TIMES_REQUIRED = "starts_at and ends_at"  # the importer's reason when either is empty
EARLIER_TRAININGS_SHOWN = 300  # in the "copy from" list of the new-training page
ROWS_SHOWN = 500  # of the rows a dry run would create or update (every error is shown)
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 64 * 1024  # the file plus the form around it
CODE_LOOKUP_CHUNK = 500  # codes per IN (...) query: far below SQLite's and asyncpg's parameter limits

Page = Callable[[Request, Staff, StaffCredential], Awaitable[Response]]


class FormRefused(Exception):
    """The form's values were refused (raised to roll the transaction back): the reasons by field."""

    def __init__(self, errors: dict[str, list[str]], general: list[str]) -> None:
        super().__init__("; ".join(general + [r for reasons in errors.values() for r in reasons]))
        self.errors = errors
        self.general = general


class UploadRefused(Exception):
    """The uploaded file cannot be taken: `key` names the page text saying why, `detail` the importer's words."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.detail = detail


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


# -- the import's dry run ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Named:
    """The training a form is about, as its page names it (kept apart: a rollback expires the row)."""

    code: str
    title: str


@dataclass
class Planned:
    line: int
    code: str
    title: str


@dataclass
class ImportPlan:
    """What saving a file would do: the rows to write, the rows refused with every reason."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    create: list[Planned] = field(default_factory=list)
    update: list[Planned] = field(default_factory=list)
    organizer_ignored: bool = False


def _checked(staff: Staff, path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]],
                                                  list[RowError], bool]:
    """Read and check a file (CPU work: run in a thread). Every row is the staff member's organizer's."""
    raw = read_rows(path)
    ignored = any(str(row.get("organizer") or "").strip() not in ("", staff.organizer) for _line, row in raw)
    own = [(line, {**row, "organizer": staff.organizer}) for line, row in raw]
    good, errors = check_rows(own)
    refused = {error.line for error in errors}
    return [pair for pair in own if pair[0] not in refused], good, errors, ignored


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[start:start + CODE_LOOKUP_CHUNK] for start in range(0, len(items), CODE_LOOKUP_CHUNK)]


async def own_codes(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    """Which of `codes` are trainings of the session's organizer (through the scope)."""
    found: set[str] = set()
    for chunk in _chunks(codes):
        found |= set((await session.execute(select(Training.code).where(Training.code.in_(chunk)))).scalars())
    return found


class TrainingPages:
    def __init__(self, console: Console, uploads: Uploads | None = None) -> None:
        self.console = console
        self.side = console.side
        self.app = console.app
        self.uploads = uploads or Uploads()

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

    # -- import with a dry run -----------------------------------------------------------------------------

    def _import_page(self, request: Request, staff: Staff, credential: StaffCredential, status: int = 200,
                     **context: Any) -> Response:
        return render(request, "import.html", status, staff=staff, csrf=credential.csrf,
                      required=[c for c in COLUMNS if c not in OPTIONAL], optional=sorted(OPTIONAL),
                      max_mb=MAX_FILE_BYTES // (1024 * 1024), max_rows=MAX_ROWS, rows_shown=ROWS_SHOWN,
                      field_of=field_of, **context)

    async def import_page(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return self._import_page(request, staff, credential)

    async def dry_run(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Check an uploaded file, keep it on the server under a token, and show what saving it would do."""
        try:
            suffix, data = await _upload(await request.form())
            token, path = self.uploads.keep(staff.organizer_id, suffix, data)
            try:
                plan = await self._plan(staff, path)
            except UploadRefused:
                self.uploads.discard(path)
                raise
        except UploadRefused as refused:
            return self._import_page(request, staff, credential, 422, upload_error=refused.key,
                                     upload_detail=refused.detail)
        if not plan.rows:
            self.uploads.discard(path)
        return self._import_page(request, staff, credential, plan=plan, token=token if plan.rows else None)

    async def import_save(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Save the rows of a file checked before (found by its token in this organizer's folder only)."""
        token = (await request.form()).get("token")
        path = self.uploads.find(staff.organizer_id, token) if isinstance(token, str) else None
        if path is None:
            return self._import_page(request, staff, credential, 404, upload_error="upload_expired")
        try:
            plan = await self._plan(staff, path)
        except UploadRefused as refused:
            self.uploads.discard(path)
            return self._import_page(request, staff, credential, 422, upload_error=refused.key,
                                     upload_detail=refused.detail)
        now = self.app.clock()
        report = ImportReport(errors=list(plan.errors))
        try:
            async with self._scoped(staff) as session, session.begin():
                for start in range(0, len(plan.rows), BATCH_ROWS):  # one transaction: all rows or none
                    batch = await import_rows(session, plan.rows[start:start + BATCH_ROWS], now=now,
                                              policy=self.app.settings.policy)
                    if batch.errors:  # checked a moment ago: the catalogue changed meanwhile
                        raise CannotSave("; ".join(e.reason for e in batch.errors))
                    report.add(batch)
                await audit.record(session, "trainings_imported", staff.email, now, organizer_id=staff.organizer_id,
                                   staff_id=staff.id, target=path.suffix.lstrip("."),
                                   detail={"by": "console", "created": len(report.created),
                                           "updated": len(report.updated), "refused": len(report.errors)})
        except (CannotSave, IntegrityError) as changed:
            logger.info("console import for organizer %s stopped: %s", staff.organizer_id, type(changed).__name__)
            return self._import_page(request, staff, credential, 409, upload_error="changed_meanwhile")
        self.uploads.discard(path)
        return self._import_page(request, staff, credential, report=report)

    async def _plan(self, staff: Staff, path: Path) -> ImportPlan:
        """The dry run: every row checked; existing codes of this organizer are updates; a code another
        organizer uses is refused (it could never be written)."""
        try:
            rows, good, errors, ignored = await asyncio.to_thread(_checked, staff, path)
        except ImportFileError as error:
            raise UploadRefused("file_refused", str(error).replace(path.name, "").lstrip(": ")) from None
        codes = [parsed["code"] for parsed in good]
        async with self._scoped(staff) as session:
            own = await own_codes(session, codes)
        elsewhere = await self._codes_of_others(staff, [code for code in codes if code not in own])
        plan = ImportPlan(errors=errors, organizer_ignored=ignored)
        for (line, row), parsed in zip(rows, good, strict=True):
            code = parsed["code"]
            if code in elsewhere:
                reason = f"code {code} is used by another organizer's training; choose another code"
                plan.errors.append(RowError(line, code, reason, [reason]))
                continue
            plan.rows.append((line, row))
            (plan.update if code in own else plan.create).append(Planned(line, code, parsed["title"]))
        plan.errors.sort(key=lambda error: error.line)
        return plan

    async def _codes_of_others(self, staff: Staff, codes: Sequence[str]) -> set[str]:
        """Which of `codes` other organizers use. The one read outside the scope, on purpose: it sees only codes
        (public on posters and in the chat's catalogue), so a row that could never be written is refused in the
        dry run rather than failing the save."""
        found: set[str] = set()
        async with self.app.sessionmaker() as session:
            for chunk in _chunks(codes):
                found |= set((await session.execute(select(Training.code).where(
                    Training.code.in_(chunk), Training.organizer_id != staff.organizer_id))).scalars())
        return found


async def _upload(form: FormData) -> tuple[str, bytes]:
    """The uploaded file's suffix and bytes, within the importer's limits."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadRefused("upload_missing")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadRefused("upload_type")
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused("upload_too_large")
    if not data:
        raise UploadRefused("upload_missing")
    return suffix, data


def size_limited(endpoint: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Refuse an upload larger than the importer takes before its body is read (no spooling of huge files)."""
    async def guarded(request: Request) -> Response:
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MAX_UPLOAD_BYTES:
            return render(request, "message.html", 413, message_key="upload_too_large")
        return await endpoint(request)
    return guarded


def routes(console: Console) -> list[BaseRoute]:
    """The trainings' pages; listed before /console/trainings/{code} so that "new" is not taken for a code."""
    pages = TrainingPages(console)
    page = console.page
    return [
        Route("/console/trainings/new", page("edit", pages.new_page), methods=["GET"]),
        Route("/console/trainings/new", page("edit", pages.create, form=True), methods=["POST"]),
        Route("/console/trainings/{code}/edit", page("edit", pages.edit_page), methods=["GET"]),
        Route("/console/trainings/{code}/edit", page("edit", pages.edit, form=True), methods=["POST"]),
        Route("/console/trainings/{code}/copy", page("edit", pages.copy_page), methods=["GET"]),
        Route("/console/trainings/{code}/close", page("edit", pages.close, form=True), methods=["POST"]),
        Route("/console/import", page("edit", pages.import_page), methods=["GET"]),
        Route("/console/import", size_limited(page("edit", pages.dry_run, form=True)), methods=["POST"]),
        Route("/console/import/save", page("edit", pages.import_save, form=True), methods=["POST"]),
    ]
