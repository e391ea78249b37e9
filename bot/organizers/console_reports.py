"""The funders' report on the console: /console/reports (a period, by default this year, or one training) and the
same figures as XLSX (/console/reports.xlsx). Roles that may view (admin, staff, viewer); another organizer's
training is 404; everything is read through the organizer's scoped session."""

from __future__ import annotations

import logging
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.i18n import _
from bot.nlu.codes import normalize_code
from bot.organizers import audit, queries, report_sheets, reports
from bot.organizers.accounts import Staff
from bot.organizers.console import Console, render
from bot.organizers.console_registrants import XLSX_TYPE, download
from bot.organizers.scope import scoped
from bot.regions import zone_of
from db.models import StaffCredential

logger = logging.getLogger(__name__)


class BadPeriod(ValueError):
    """The dates asked for cannot be read (or end before they start)."""


def report_texts() -> dict[str, str]:
    return {
        "title": _("Laporan untuk penyandang dana"),
        "from": _("Dari tanggal"),
        "to": _("Sampai tanggal"),
        "training": _("Pelatihan"),
        "all": _("Semua pelatihan pada periode"),
        "show": _("Tampilkan"),
        "download": _("Unduh XLSX"),
        "summary": _("Ringkasan"),
        "trainings": _("Per pelatihan"),
        "outcomes": _("Hasil tindak lanjut (1, 3 dan 6 bulan)"),
        "none": _("Belum ada pelatihan pada periode ini."),
        "bad_period": _("Tanggal tidak bisa dibaca. Tulis seperti 2026-01-31, dan tanggal akhir tidak sebelum awal."),
        "craft_note": _("Peserta dengan beberapa kerajinan dihitung pada tiap kerajinannya."),
        "confirmed_note": _("Konfirmasi hadir belum tercatat (–)."),
    }


def _day(text: str | None, fallback: date) -> date:
    if not text:
        return fallback
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise BadPeriod(text) from error


class ReportsPage:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.side = console.side
        self.app = console.app

    async def _report(self, request: Request, staff: Staff) -> tuple[reports.Report | None, list[queries.TrainingRow],
                                                                       str | None]:
        """The report asked for, the organizer's trainings (for the form), and what was wrong ("bad_period",
        "not_found")."""
        now = self.app.clock()
        today = now.astimezone(zone_of(None).zone).date()
        params = request.query_params
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            own = await queries.trainings(session)
            code = (params.get("training") or "").strip()
            if code:
                found = await queries.training(session, code)
                if found is None:
                    return None, own, "not_found"
                return await reports.build(session, now, training_code=found.training.code), own, None
            try:
                start = _day(params.get("from"), date(today.year, 1, 1))
                end = _day(params.get("to"), date(today.year, 12, 31))
                if end < start:
                    raise BadPeriod(f"{start} > {end}")
            except BadPeriod:
                return None, own, "bad_period"
            return await reports.build(session, now, date_from=start, date_to=end), own, None

    async def show(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        report, own, problem = await self._report(request, staff)
        if problem == "not_found":
            return render(request, "message.html", 404, staff=staff, csrf=credential.csrf, message_key="not_found")
        return render(request, "reports.html", 422 if problem else 200, staff=staff, csrf=credential.csrf,
                      report=report, own=own, problem=problem, r=report_texts(), query=request.url.query,
                      params=request.query_params, figures=report_sheets.FIGURES,
                      figure_names=report_sheets.figure_names(), breakdown_names=report_sheets.breakdown_names(),
                      breakdowns=reports.BREAKDOWNS, group_name=report_sheets.group_name,
                      value=report_sheets.value, outcome_rows=report_sheets.outcome_rows,
                      period=report_sheets.period_text)

    async def xlsx(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        report, _own, problem = await self._report(request, staff)
        if problem is not None or report is None:
            return await self.show(request, staff, credential)  # the page says what is wrong (404, 422)
        body = report_sheets.workbook(report, staff.organizer, self.app.clock())
        async with self.app.sessionmaker() as session, session.begin():
            await audit.record(session, "report_exported", staff.email, self.app.clock(),
                               organizer_id=staff.organizer_id, staff_id=staff.id,
                               target=report_sheets.period_text(report)[:120])
        name = normalize_code(report.training_code) if report.training_code else (
            f"{report.date_from}_{report.date_to}")
        return download(body, XLSX_TYPE, f"laporan-{name}.xlsx".replace("/", "_"))


def routes(console: Console) -> list[BaseRoute]:
    page = ReportsPage(console)
    return [Route("/console/reports", console.page("reports", page.show), methods=["GET"]),
            Route("/console/reports.xlsx", console.page("reports", page.xlsx), methods=["GET"])]
