"""Every text of the console's pages, in Indonesian msgids (translated by bot.i18n, extracted like the bot's)."""

from __future__ import annotations

import logging

from bot.i18n import _
from bot.organizers.texts_registrants import registrant_texts

logger = logging.getLogger(__name__)


def page_texts() -> dict[str, str]:
    """The console's texts in the current language, by name (templates read `t.name`)."""
    return {
        "console": _("Konsol penyelenggara"),
        "sign_in": _("Masuk"),
        "sign_in_title": _("Masuk ke konsol penyelenggara"),
        "email": _("Email"),
        "password": _("Kata sandi"),
        "password_again": _("Ulangi kata sandi"),
        "sign_out": _("Keluar"),
        "signed_in_as": _("Masuk sebagai"),
        "bad_sign_in": _("Email atau kata sandi salah."),
        "too_many": _("Terlalu banyak percobaan masuk. Silakan coba lagi dalam 15 menit."),
        "signed_out": _("Anda sudah keluar."),
        "upcoming": _("Pelatihan mendatang"),
        "no_upcoming": _("Belum ada pelatihan mendatang."),
        "code": _("Kode"),
        "title": _("Judul"),
        "starts": _("Mulai"),
        "seats_taken": _("Kursi terisi"),
        "waitlist": _("Daftar tunggu"),
        "unlimited": _("tanpa batas"),
        "status": _("Status"),
        "registrants": _("Pendaftar"),
        "no_registrants": _("Belum ada pendaftar."),
        "name": _("Nama"),
        "regency": _("Kabupaten/kota"),
        "craft": _("Kerajinan"),
        "channel": _("Kanal"),
        "registered_count": _("Terdaftar"),
        "waitlisted_count": _("Daftar tunggu"),
        "cancelled_count": _("Dibatalkan"),  # not "Batal": that msgid is the chat's Cancel button
        "deleted_person": _("(data dihapus atas permintaan)"),
        "back": _("Kembali ke daftar pelatihan"),
        "not_found": _("Halaman tidak ditemukan."),
        "forbidden": _("Peran Anda tidak mengizinkan halaman ini."),
        "csrf": _("Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."),
        "staff": _("Staf"),
        "role": _("Peran"),
        "set_password": _("Buat kata sandi"),
        "set_password_hint": _("Tautan ini hanya berlaku sekali. Buat kata sandi Anda (minimal 10 karakter)."),
        "save_and_sign_in": _("Simpan dan masuk"),
        "link_invalid": _("Tautan masuk ini tidak berlaku lagi. Minta tautan baru kepada pengelola Kriya."),
        "password_short": _("Kata sandi minimal 10 karakter."),
        "password_mismatch": _("Kedua kata sandi tidak sama."),
        "language": _("Bahasa"),
        "cancelled_training": _("dibatalkan"),
        "cancel_training": _("Batalkan pelatihan"),
        "cancel_question": _("Batalkan pelatihan ini? Semua pendaftar akan diberi tahu lewat chat, dalam bahasa mereka."),
        "cancel_yes": _("Ya, batalkan pelatihan"),
        "cannot_cancel": _("Pelatihan ini tidak dapat dibatalkan di sini. Hubungi pengelola Kriya."),
        "filter": _("Saring"),
        "any": _("Semua"),
        "shown": _("Ditampilkan"),
        **registrant_texts(),
    }


def status_name(status: str) -> str:
    names = {"registered": _("Terdaftar"), "waitlisted": _("Daftar tunggu"), "cancelled": _("Dibatalkan"),
             "published": _("Dibuka"), "cancelled_training": _("Dibatalkan")}
    return names.get(status, status)


def role_name(role: str) -> str:
    names = {"admin": _("Admin"), "staff": _("Staf"), "checkin": _("Petugas registrasi ulang"),
             "viewer": _("Peninjau")}
    return names.get(role, role)
