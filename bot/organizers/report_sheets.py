"""A funders' report in words: the names of its figures and groups (in the console's language, or in Indonesian
and English at once for the XLSX), and the workbook laid out for an office's yearly report (a summary sheet, one
sheet per training and per breakdown, the follow-ups' outcomes). Every cell goes through the exports' safe writer."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.crafts import craft_name
from bot.followup_texts import CERTIFICATIONS, NONE, SALES_VALUES, certification_name, sales_name
from bot.genders import UNKNOWN, gender_name
from bot.i18n import _, use_language
from bot.organizers.reports import BREAKDOWNS, NO_CHAT, Figures, Report, local_day
from bot.regions import region_name
from bot.services import exports

logger = logging.getLogger(__name__)

FIGURES = ("registered", "confirmed", "attended", "no_shows", "cancelled", "waitlisted")
NOT_AVAILABLE = "–"  # a figure with no data behind it yet (confirmations)


def figure_names() -> dict[str, str]:
    return {"registered": _("Pendaftar"), "confirmed": _("Konfirmasi hadir"), "attended": _("Peserta hadir"),
            "no_shows": _("Tidak hadir"), "cancelled": _("Dibatalkan"), "waitlisted": _("Masih daftar tunggu")}


def breakdown_names() -> dict[str, str]:
    return {"regency": _("Kabupaten/kota"), "craft": _("Kerajinan"), "gender": _("Jenis kelamin"),
            "channel": _("Kanal")}


def group_name(breakdown: str, key: str) -> str:
    """The name of one group of a breakdown in the current language."""
    if key == UNKNOWN:
        return _("Tidak diketahui")
    if breakdown == "regency":
        return region_name(key) or key
    if breakdown == "craft":
        return craft_name(key)
    if breakdown == "gender":
        return gender_name(key)
    return {NO_CHAT: _("Tanpa chat (didaftarkan staf)"), "telegram": "Telegram", "whatsapp": "WhatsApp",
            "console": _("Konsol")}.get(key, key)


def value(figures: Figures, name: str) -> str:
    found = getattr(figures, name)
    return NOT_AVAILABLE if found is None else str(found)


def both(say: Callable[[], str]) -> str:
    """A header in Indonesian and English ("Pendaftar / Registered")."""
    with use_language("id"):
        first = say()
    with use_language("en"):
        second = say()
    return first if first == second else f"{first} / {second}"


def _figure_headers() -> list[str]:
    return [both(lambda name=name: figure_names()[name]) for name in FIGURES]  # type: ignore[misc]


def period_text(report: Report) -> str:
    if report.training_code:
        return report.training_code
    return f"{report.date_from or '…'} – {report.date_to or '…'}"


def workbook(report: Report, organizer: str, made_at: datetime) -> bytes:
    """The XLSX: Ringkasan (summary), Pelatihan (per training), one sheet per breakdown, Hasil (outcomes)."""
    with use_language("id"):
        summary: list[Sequence[object]] = [
            [both(lambda: _("Laporan pelatihan")), organizer],
            [both(lambda: _("Periode")), period_text(report)],
            [both(lambda: _("Dibuat")), made_at.strftime("%Y-%m-%d %H:%M UTC")],
            [both(lambda: _("Jumlah pelatihan")), str(len(report.trainings))],
            *([both(lambda name=name: figure_names()[name]), value(report.total, name)]  # type: ignore[misc]
              for name in FIGURES),
        ]
        per_training: list[Sequence[object]] = [
            [both(lambda: _("Kode")), both(lambda: _("Nama pelatihan")), both(lambda: _("Mulai")),
             both(lambda: _("Kerajinan")), *_figure_headers()],
            *([line.training.code, line.training.title, local_day(line.training).isoformat(),
               craft_name(line.training.craft), *(value(line.figures, name) for name in FIGURES)]
              for line in report.trainings),
        ]
        sheets: list[tuple[str, Sequence[Sequence[object]]]] = [
            (both(lambda: _("Ringkasan")), summary), (both(lambda: _("Pelatihan")), per_training)]
        for breakdown in BREAKDOWNS:
            title = both(lambda breakdown=breakdown: breakdown_names()[breakdown])  # type: ignore[misc]
            sheets.append((title, [
                [title, *_figure_headers()],
                *([group_name(breakdown, key), *(value(figures, name) for name in FIGURES)]
                  for key, figures in report.breakdowns[breakdown]),
            ]))
        sheets.append((both(lambda: _("Hasil")), outcome_rows(report, both)))
    return exports.book_bytes(sheets)


def outcome_rows(report: Report, say: Callable[[Callable[[], str]], str] = lambda f: f()) -> list[list[str]]:
    """The follow-ups' outcomes: one row per answer, one column per number of months."""
    header = [say(lambda: _("Tindak lanjut")),
              *(say(lambda m=o.months: _("{months} bulan").format(months=m)) for o in report.outcomes)]  # type: ignore[misc]
    rows = [header,
            [say(lambda: _("Ditanya")), *(str(o.asked) for o in report.outcomes)],
            [say(lambda: _("Menjawab")), *(str(o.answered) for o in report.outcomes)]]
    for code in SALES_VALUES:
        rows.append([say(lambda code=code: _("Penjualan: {answer}").format(answer=sales_name(code))),  # type: ignore[misc]
                     *(str(o.sales[code]) for o in report.outcomes)])
    for code in (*CERTIFICATIONS, NONE):
        rows.append([say(lambda code=code: _("Sertifikasi: {answer}").format(  # type: ignore[misc]
            answer=certification_name(code))), *(str(o.certifications[code]) for o in report.outcomes)])
    rows.append([say(lambda: _("Jualan online: ya")), *(str(o.online[True]) for o in report.outcomes)])
    rows.append([say(lambda: _("Jualan online: tidak")), *(str(o.online[False]) for o in report.outcomes)])
    return rows
