"""The file organizers fill in (`kriya trainings template`): the import's columns as the header, one example row
that imports as it is, and, in the XLSX, a sheet "Petunjuk" saying per column what to write.

The columns come from `bot.services.catalogue` (COLUMNS, OPTIONAL): adding a column there adds it here; its
line of guidance goes in GUIDE (a test checks every column has one)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.crafts import CRAFTS
from bot.nlu.codes import CODE_MAX
from bot.services.catalogue import COLUMNS, MODES, OPTIONAL
from bot.services.catalogue.limits import MAX_CONFIRM_DAYS
from bot.services.exports import save_workbook, style_sheet, write_csv

logger = logging.getLogger(__name__)

DEFAULT_XLSX_NAME = "kriya-trainings-template.xlsx"
EXAMPLE_CODE = "CONTOH-01"
SHEET = "Pelatihan"
GUIDE_SHEET = "Petunjuk"
DATE_TIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
VALIDATED_ROWS = 1000  # rows of the sheet where craft and mode offer a drop-down list

LOCAL = "waktu setempat provinsi (WIB, WITA atau WIT)"
GUIDE: dict[str, str] = {
    "code": f"Kode pelatihan seperti yang tertulis di poster: huruf, angka dan - _ . / (paling banyak {CODE_MAX} "
            "karakter, diawali dan diakhiri huruf atau angka). Mengimpor lagi kode yang sudah ada memperbarui "
            "pelatihan itu, tidak membuat yang kedua.",
    "title": "Judul pelatihan seperti yang akan dibaca perajin.",
    "craft": f"Satu kode kerajinan: {', '.join(CRAFTS)}.",
    "organizer": "Nama penyelenggara (dinas, balai, koperasi, komunitas, perusahaan).",
    "province": "Nama provinsi seperti biasa ditulis (Jawa Tengah, DI Yogyakarta, Nusa Tenggara Timur) atau kode "
                "Kemendagri (33, 34, 53).",
    "regency": "Kabupaten atau kota di provinsi itu, dengan nama (Kabupaten Sleman, Kota Pekalongan) atau kode "
               "Kemendagri (34.04). Bila nama kabupaten dan kota sama, tulis Kabupaten atau Kota di depannya.",
    "venue": "Tempat pelatihan: alamat, atau tautan rapat untuk pelatihan online.",
    "mode": f"{', '.join(MODES[:-1])} atau {MODES[-1]}.",
    "starts_at": f"Tanggal dan jam mulai, {LOCAL}: 2027-03-15 09:00 (tahun-bulan-tanggal jam:menit).",
    "ends_at": f"Tanggal dan jam selesai, {LOCAL}: 2027-03-17 16:00. Tanggal saja berarti sampai pukul 23.59. "
               "Harus setelah mulai.",
    "registration_deadline": f"Batas pendaftaran, {LOCAL}: 2027-03-08 17:00, atau tanggal saja (sampai pukul "
                             "23.59). Tidak boleh setelah mulai. Kosong = pendaftaran dibuka sampai mulai.",
    "quota": "Jumlah peserta, angka bulat (20). Kosong = tanpa batas.",
    "fee": "Biaya dalam rupiah, angka bulat: 150000 (Rp 150.000 juga boleh). 0 = gratis.",
    "contact": "Nomor HP/WhatsApp atau surel panitia. Tulis nomor sebagai teks (0812-...) agar angka 0 di depan "
               "tidak hilang.",
    "description": "Isi pelatihan: apa yang dipelajari, untuk siapa, apa yang didapat.",
    "requirements": "Syarat peserta atau barang yang perlu dibawa.",
    "language": "Bahasa pelatihan: id (Indonesia) atau en (Inggris). Kosong = id.",
    "status": "published (ditampilkan) atau cancelled (dibatalkan: pendaftar diberi tahu). Kosong = published.",
    "confirm_days": f"Berapa hari sebelum mulai pendaftar diminta memastikan kehadirannya lewat chat: angka bulat 0 "
                    f"sampai {MAX_CONFIRM_DAYS}. 0 = tidak ditanya. Kosong = 3 hari.",
}
NOTES = (
    "Satu baris = satu pelatihan. Baris 1 (nama kolom) jangan diubah; urutan kolom boleh diubah.",
    f"Baris {EXAMPLE_CODE} adalah contoh: ganti isinya atau hapus barisnya sebelum mengimpor.",
    "Rumus (formula) dibaca sebagai nilai yang terakhir disimpan; lebih aman ketik nilainya langsung.",
    "Impor: kriya trainings import NAMA-FILE.xlsx. Baris yang salah disebut dengan nomor barisnya dan semua "
    "alasannya; baris yang benar tetap masuk.",
)


def template_columns() -> list[str]:
    """The import's columns: COLUMNS, then the optional ones that are not among them."""
    return [*COLUMNS, *sorted(c for c in OPTIONAL if c not in COLUMNS)]


def example_row(today: date | None = None) -> dict[str, Any]:
    """One training that is clearly an example and imports as it is: the 15th of the month after next."""
    today = today or date.today()
    month = today.month + 1  # 0-based month index of the month after next
    day = date(today.year + month // 12, month % 12 + 1, 15)
    starts = datetime.combine(day, time(9, 0))
    values: dict[str, Any] = {
        "code": EXAMPLE_CODE,
        "title": "CONTOH Pewarnaan alam batik tulis (ganti atau hapus baris ini)",
        "craft": "batik",
        "organizer": "CONTOH Dinas Perindustrian",
        "province": "DI Yogyakarta",
        "regency": "Kabupaten Sleman",
        "venue": "Balai Desa Contoh, Jl. Contoh No. 1",
        "mode": "offline",
        "starts_at": starts,
        "ends_at": datetime.combine(day + timedelta(days=2), time(16, 0)),
        "registration_deadline": day - timedelta(days=7),
        "quota": 20,
        "fee": 0,
        "contact": "0812-0000-0000 (WhatsApp panitia)",
        "description": "CONTOH. Tiga hari belajar pewarnaan alam untuk batik tulis: indigo, tingi, jolawe.",
        "requirements": "Membawa kain mori 2 meter",
        "language": "id",
        "status": "published",
    }
    return {column: values.get(column, "") for column in template_columns()}


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def write_template_csv(out: TextIO, today: date | None = None) -> None:
    example = example_row(today)
    write_csv([list(example), [_as_text(v) for v in example.values()]], out)


def guide_rows(today: date | None = None) -> list[Sequence[str]]:
    """The "Petunjuk" sheet: per column whether it is required, what to write, and the example's value."""
    example = example_row(today)
    rows: list[Sequence[str]] = [("Kolom", "Wajib?", "Cara mengisi", "Contoh")]
    for column in template_columns():
        required = "boleh kosong" if column in OPTIONAL else "wajib"
        rows.append((column, required, GUIDE.get(column, "Lihat: kriya trainings import --help"),
                     _as_text(example[column])))
    return rows


def write_template_xlsx(path: Path, today: date | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    example = example_row(today)
    columns = list(example)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(columns)
    sheet.append(list(example.values()))
    for cell in sheet[2]:
        if isinstance(cell.value, datetime):
            cell.number_format = DATE_TIME_FORMAT
        elif isinstance(cell.value, date):
            cell.number_format = DATE_FORMAT
        elif isinstance(cell.value, str):
            cell.data_type = "s"
    style_sheet(sheet, [columns, [_as_text(v) for v in example.values()]])
    for column, allowed in (("craft", CRAFTS), ("mode", MODES)):
        letter = get_column_letter(columns.index(column) + 1)
        choice = DataValidation(type="list", formula1='"' + ",".join(allowed) + '"', allow_blank=True)
        choice.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
        sheet.add_data_validation(choice)

    guide = workbook.create_sheet(GUIDE_SHEET)
    rows = guide_rows(today)
    for row in rows:
        guide.append(list(row))
    guide.append([])
    for note in NOTES:
        guide.append([note])
    style_sheet(guide, rows)
    for row in guide.iter_rows(min_row=2, max_row=len(rows)):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    save_workbook(workbook, path)
