"""The console's texts about who comes: confirmations before a training and seats offered to the waitlist."""

from __future__ import annotations

import logging

from bot.i18n import _

logger = logging.getLogger(__name__)


def attendance_texts() -> dict[str, str]:
    return {
        "attendance": _("Konfirmasi kehadiran"),
        "attendance_asked_from": _("Pendaftar ditanya di chat %(days)d hari sebelum mulai."),
        "attendance_never": _("Pendaftar pelatihan ini tidak ditanya konfirmasi kehadiran."),
        "attendance_confirmed": _("Akan datang"),
        "attendance_asked": _("Belum menjawab"),
        "attendance_declined": _("Tidak bisa datang"),
        "attendance_unasked": _("Belum ditanya"),
        "attendance_column": _("Kehadiran"),
        "offers": _("Kursi yang ditawarkan"),
        "no_offers": _("Tidak ada kursi yang sedang ditawarkan."),
        "offered_until": _("ditawari kursi sampai %(when)s"),
        "label_confirm_days": _("Tanya konfirmasi kehadiran (hari sebelum mulai)"),
        "hint_confirm_days": _("Bilangan bulat 0 sampai 60; 0 berarti tidak ditanya; kosongkan untuk 3 hari."),
    }


def live_texts() -> dict[str, str]:
    """What the training page's script says about its updates ({time}: the browser's clock, hours and minutes)."""
    return {
        "live_on": _("Halaman ini memperbarui dirinya sendiri."),
        "live_updated": _("Diperbarui otomatis pukul {time}."),
        "live_failed": _("Pembaruan otomatis gagal; dicoba lagi sebentar lagi."),
        "live_signed_out": _("Sesi berakhir: muat ulang halaman untuk masuk lagi."),
    }
