"""After a training, on its console page: the feedback (average, count, the free answers), why no-shows did not
come, the certificates issued, and the organizer's certificate rule (every day, or at least N days)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.aftercare_texts import REASONS, reason_title
from bot.i18n import _, format_decimal_number
from bot.organizers import audit, queries
from bot.organizers.accounts import Staff
from bot.organizers.console import HEADERS, Console, render
from bot.organizers.scope import scoped
from bot.services.aftercare import summary
from bot.services.certificates import days_needed, training_days, verify_link
from db.models import StaffCredential, Training

logger = logging.getLogger(__name__)

RULE_EVERY_DAY, RULE_AT_LEAST = "every", "at_least"


def aftercare_texts() -> dict[str, str]:
    """The section's texts in the current language, by name (the template reads `a.name`)."""
    return {
        "heading": _("Setelah pelatihan"),
        "feedback": _("Penilaian peserta"),
        "average": _("Rata-rata"),
        "rated": _("Menilai"),
        "asked": _("Ditanya"),
        "no_feedback": _("Belum ada penilaian."),
        "answers": _("Jawaban peserta"),
        "rating": _("Nilai"),
        "reason": _("Alasan tidak datang"),
        "answer": _("Jawaban"),
        "why_not": _("Alasan tidak datang"),
        "certificates": _("Sertifikat diterbitkan"),
        "no_certificates": _("Belum ada sertifikat."),
        "certificate_code": _("Kode sertifikat"),
        "verify": _("Cek"),
        "rule": _("Aturan sertifikat"),
        "rule_every_day": _("Hadir setiap hari pelatihan"),
        "rule_at_least": _("Hadir paling sedikit … hari"),
        "days": _("Jumlah hari"),
        "save_rule": _("Simpan aturan"),
        "rule_now": _("Sekarang: hadir {needed} dari {days} hari."),
        "rule_hint": _("Sertifikat dikirim di chat setelah pelatihan selesai kepada peserta yang memenuhi aturan."),
        "bad_days": _("Jumlah hari harus angka 1 sampai {days}."),
    }


def _average(value: float | None) -> str:
    return "–" if value is None else format_decimal_number(round(value, 1))


async def section(session: AsyncSession, training: Training, public_url: str) -> dict[str, Any]:
    """What the training page shows of its aftercare (read through the page's scoped session)."""
    found = await summary(session, training.id)
    days = len(training_days(training))
    return {
        "a": aftercare_texts(), "aftercare": found, "average": _average(found.average),
        "reasons": [(reason_title(r), found.reasons.get(r, 0)) for r in REASONS],
        "reason_title": reason_title, "rule_days": days, "rule_needed": days_needed(training),
        "rule_every_day": training.certificate_days is None,
        "verify_link": lambda code: verify_link(public_url, code),
    }


class AftercarePages:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.app = console.app

    async def rule(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Set the certificate rule of a training: every day, or at least N days (1 to its number of days)."""
        form = await request.form()
        now = self.app.clock()
        async with scoped(self.console.side.scoped_maker, staff.organizer_id) as session, session.begin():
            found = await queries.training(session, request.path_params["code"])
            if found is None:
                return render(request, "message.html", 404, staff=staff, csrf=credential.csrf,
                              message_key="not_found")
            item = found.training
            days = len(training_days(item))
            if form.get("rule") == RULE_AT_LEAST:
                typed = str(form.get("days") or "").strip()
                if not typed.isdigit() or not 1 <= int(typed) <= days:
                    return render(request, "aftercare_refused.html", 422, staff=staff, csrf=credential.csrf,
                                  code=item.code, message=aftercare_texts()["bad_days"].format(days=days))
                item.certificate_days = int(typed)
            else:
                item.certificate_days = None
            code = item.code
            await audit.record(session, "certificate_rule", staff.email, now, organizer_id=staff.organizer_id,
                               staff_id=staff.id, target=code, ip=request.client.host if request.client else None,
                               detail={"days": item.certificate_days})
        return RedirectResponse(f"/console/trainings/{quote(code)}#aftercare", status_code=303, headers=HEADERS)


def routes(console: Console) -> list[BaseRoute]:
    pages = AftercarePages(console)
    return [Route("/console/trainings/{code}/certificate-rule", console.page("edit", pages.rule, form=True),
                  methods=["POST"])]
