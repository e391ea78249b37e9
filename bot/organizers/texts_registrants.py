"""The texts of the console's registrant actions (add, move from the waitlist, cancel, export), Indonesian msgids."""

from __future__ import annotations

import logging

from bot.i18n import _

logger = logging.getLogger(__name__)


def registrant_texts() -> dict[str, str]:
    """By name, in the current language; merged into the console's page texts (templates read `t.name`)."""
    return {
        "add_registrant": _("Tambah pendaftar"),
        "add_registrant_hint": _("Untuk peserta yang diusulkan dinas kabupaten/kota. Bila nomornya sudah dikenal "
                                 "Kriya, data orang itu yang dipakai. Kursi diberikan bila masih ada, selain itu "
                                 "masuk daftar tunggu."),
        "full_name": _("Nama lengkap"),
        "phone": _("Nomor HP/WhatsApp"),
        "phone_hint": _("Contoh: 0812 3456 7890"),
        "regency_hint": _("Nama atau kode Kemendagri, misalnya Kabupaten Sleman atau 34.04"),
        "crafts": _("Kerajinan (pilih satu atau lebih)"),
        "note": _("Catatan (boleh kosong)"),
        "note_hint": _("Misalnya: diusulkan Disperindag Kabupaten Bantul"),
        "add": _("Tambahkan"),
        "errors_above": _("Periksa isian yang ditandai."),
        "name_required": _("Tulis nama lengkap (paling banyak {max} karakter)."),
        "phone_invalid": _("Tulis nomor HP Indonesia yang benar, misalnya 0812 3456 7890."),
        "regency_invalid": _("Kabupaten/kota tidak dikenal. Tulis nama (Kabupaten Sleman) atau kode (34.04)."),
        "crafts_required": _("Pilih minimal satu kerajinan."),
        "note_too_long": _("Catatan paling banyak {max} karakter."),
        "already_registered": _("Nomor ini sudah terdaftar di pelatihan ini (kode {code}, {status})."),
        "refused_closed": _("Pendaftaran pelatihan ini sudah ditutup."),
        "refused_started": _("Pelatihan ini sudah dimulai."),
        "refused_cancelled": _("Pelatihan ini dibatalkan."),
        "actions": _("Tindakan"),
        "admit": _("Pindahkan ke terdaftar"),
        "cancel_registration": _("Batalkan pendaftaran"),
        "cancel_registration_question": _("Batalkan pendaftaran ini? Orang itu diberi tahu lewat chat, dalam "
                                          "bahasanya, beserta alasannya. Kursinya ditawarkan ke urutan pertama "
                                          "daftar tunggu, dengan batas waktu."),
        "reason": _("Alasan (wajib, dikirim ke peserta)"),
        "reason_required": _("Tulis alasannya (paling banyak {max} karakter)."),
        "cancel_registration_yes": _("Ya, batalkan pendaftaran"),
        "no_such_registration": _("Pendaftaran ini tidak ada di pelatihan ini."),
        "not_live": _("Pendaftaran ini sudah dibatalkan."),
        "not_waitlisted": _("Orang ini tidak sedang di daftar tunggu."),
        "full": _("Kuota sudah penuh: tidak ada kursi kosong. Naikkan kuota pelatihan atau batalkan pendaftaran "
                  "lain dulu."),
        "done_added": _("Pendaftar ditambahkan dan mendapat kursi."),
        "done_waitlisted": _("Kuota sudah penuh: pendaftar ditambahkan ke daftar tunggu."),
        "done_admitted": _("Pendaftar dipindahkan dari daftar tunggu ke terdaftar."),
        "done_cancelled": _("Pendaftaran dibatalkan."),
        "done_promoted": _("Kursi yang kosong ditawarkan ke urutan pertama daftar tunggu: {count} orang."),
        "told": _("Ia sudah diberi tahu lewat chat, dalam bahasanya."),
        "not_told": _("Ia belum pernah chat dengan Kriya, jadi belum diberi tahu: kabari dia langsung."),
        "add_another": _("Tambah pendaftar lain"),
        "back_to_training": _("Kembali ke pelatihan"),
        "downloads": _("Unduh"),
        "export_csv": _("Pendaftar (CSV)"),
        "export_xlsx": _("Pendaftar (XLSX)"),
        "export_hint": _("Sesuai saringan yang dipilih."),
        "attendance_xlsx": _("Daftar hadir (XLSX)"),
    }
