"""The console's import of a CSV or XLSX file: a dry run that lists every error of every row (line, column,
reason) and the trainings it would create or update, with nothing saved; then a save of the checked file, kept on
the server under a random token in the organizer's own folder (`uploads`), never taken back from the form.

Every row is the staff member's organizer's (the file's organizer column is ignored); a code another organizer
uses is refused in the dry run. The save is one transaction on a scoped session, audited once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.organizers import audit
from bot.organizers.accounts import Staff
from bot.organizers.api import field_of
from bot.organizers.console import CannotSave, Console, render
from bot.organizers.scope import scoped
from bot.organizers.uploads import SUFFIXES, Uploads
from bot.services.catalogue import (
    BATCH_ROWS,
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    OPTIONAL,
    ImportFileError,
    ImportReport,
    RowError,
    check_rows,
    import_rows,
    read_rows,
)
from db.models import StaffCredential, Training

logger = logging.getLogger(__name__)

ROWS_SHOWN = 500  # of the rows a dry run would create or update (every error is shown)
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 64 * 1024  # the file plus the form around it
CODE_LOOKUP_CHUNK = 500  # codes per IN (...) query: far below SQLite's and asyncpg's parameter limits


class UploadRefused(Exception):
    """The uploaded file cannot be taken: `key` names the page text saying why, `detail` the importer's words."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.detail = detail


@dataclass
class Planned:
    """A row the save would write: its line, code and title."""

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


class ImportPages:
    def __init__(self, console: Console, uploads: Uploads | None = None) -> None:
        self.side = console.side
        self.app = console.app
        self.uploads = uploads or Uploads()

    def _scoped(self, staff: Staff) -> AsyncSession:
        return scoped(self.side.scoped_maker, staff.organizer_id)

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
    pages = ImportPages(console)
    page = console.page
    return [
        Route("/console/import", page("edit", pages.import_page), methods=["GET"]),
        Route("/console/import", size_limited(page("edit", pages.dry_run, form=True)), methods=["POST"]),
        Route("/console/import/save", page("edit", pages.import_save, form=True), methods=["POST"]),
    ]
