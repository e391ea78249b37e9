"""The texts of the console's check-in page and printable attendance sheet, Indonesian msgids."""

from __future__ import annotations

import logging

from bot.i18n import _

logger = logging.getLogger(__name__)


def reason_texts() -> dict[str, str]:
    """Why a scan checked nobody in (bot.services.checkins.REASONS), in the current language."""
    return {
        "unknown": _("Tiket tidak dikenal"),
        "other_training": _("Tiket pelatihan lain"),
        "cancelled": _("Pendaftaran dibatalkan"),
        "waitlisted": _("Masih di daftar tunggu, belum dapat kursi"),
        "not_today": _("Pelatihan tidak berlangsung hari ini"),
        "already": _("Sudah hadir"),
    }


def script_texts() -> dict[str, str]:
    """What the page's script writes (it has no translations of its own)."""
    return {
        **{f"reason_{key}": text for key, text in reason_texts().items()},
        "checked_in": _("Tercatat hadir"),
        "already_at": _("Sudah hadir pukul {time}"),
        "refused": _("Ditolak"),
        "queued": _("Tersimpan di ponsel, dikirim saat sinyal kembali"),
        "waiting": _("{count} pindaian menunggu dikirim"),
        "offline": _("Tidak ada sinyal"),
        "online": _("Tersambung"),
        "signed_out": _("Sesi berakhir: masuk lagi, pindaian tetap tersimpan"),
        "stale": _("Halaman kedaluwarsa: muat ulang, pindaian tetap tersimpan"),
        "server_error": _("Server sedang bermasalah, dicoba lagi sebentar lagi"),
        "no_match": _("Tidak ada yang cocok."),
        "check_in": _("Catat hadir"),
        "check_in_ticket": _("Catat tiket {ticket}"),
        "not_yet": _("Belum hadir"),
        "at": _("hadir {time}"),
        "waitlisted": _("daftar tunggu"),
        "no_camera": _("Kamera tidak bisa dipakai di peramban ini. Pakai pencarian."),
        "camera_denied": _("Izin kamera ditolak. Pakai pencarian atau izinkan kamera."),
        "stop_camera": _("Matikan kamera"),
        "start_camera": _("Pindai QR dengan kamera"),
    }


def checkin_texts() -> dict[str, str]:
    """The page's own texts; merged into the console's page texts (templates read `t.name`)."""
    return {
        "checkin": _("Registrasi ulang"),
        "checkin_pick": _("Pilih pelatihan untuk registrasi ulang"),
        "checkin_today": _("Hari ini"),
        "checkin_soon": _("Segera"),
        "checkin_none": _("Tidak ada pelatihan hari ini atau dua minggu ke depan."),
        "day_of": _("Hari ke-{number} dari {total}"),
        "not_a_training_day": _("Hari ini bukan hari pelatihan: setiap pindaian ditolak dan dicatat."),
        "arrived_today": _("Hadir hari ini"),
        "search": _("Cari nama atau kode tiket"),
        "search_hint": _("Ketik sebagian nama atau kode tiket, lalu tekan Catat hadir."),
        "scan_results": _("Hasil pindaian"),
        "failed_scans": _("Pindaian yang ditolak"),
        "no_failed_scans": _("Belum ada pindaian yang ditolak."),
        "ticket": _("Tiket"),
        "refusal_reason": _("Alasan"),
        "time": _("Waktu"),
        "needs_script": _("Halaman ini perlu JavaScript. Tanpa itu, pakai daftar hadir cetak."),
        "attendance_sheet": _("Daftar hadir (cetak)"),
        "attendance_title": _("Daftar hadir"),
        "print": _("Cetak"),
        "signature": _("Tanda tangan"),
        "number": _("No."),
        "no_seated": _("Belum ada peserta terdaftar."),
    }
