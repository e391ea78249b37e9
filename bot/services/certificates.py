"""Certificates of attendance: who is eligible (the organizer's rule), random codes, the PDF (fpdf2 with Debian's
Noto fonts, shaped with HarfBuzz: names in Latin with diacritics, Arabic, Chinese, Thai, Tamil...), and what the
public verification page may show (name, training, dates, organizer: nothing else)."""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import _, format_day, format_days, use_language
from bot.regions import zone_of
from bot.services.checkins import training_days
from db.models import Certificate, CheckIn, Registration, Training

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or typed from paper
CODE_LENGTH = 12  # 32**12 = 2**60 codes: guessing one that exists is hopeless, nothing is sequential
VERIFY_PATH = "/verify/"
CERTIFICATE_SOURCE = "certificate"  # attachments: "certificate:<code>" (bot/services/attachments.py renders it)
FILENAME = "sertifikat-{code}.pdf"
PDF = "application/pdf"

NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
# family: (regular, bold, index in a font collection); the first is the main font, the rest are fallbacks for
# the characters it lacks (fonts-noto-core, fonts-noto-cjk).
FONTS: dict[str, tuple[Path, Path, int]] = {
    "NotoSans": (NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf", 0),
    "NotoSansArabic": (NOTO / "NotoSansArabic-Regular.ttf", NOTO / "NotoSansArabic-Bold.ttf", 0),
    "NotoSansThai": (NOTO / "NotoSansThai-Regular.ttf", NOTO / "NotoSansThai-Bold.ttf", 0),
    "NotoSansTamil": (NOTO / "NotoSansTamil-Regular.ttf", NOTO / "NotoSansTamil-Bold.ttf", 0),
    "NotoSansDevanagari": (NOTO / "NotoSansDevanagari-Regular.ttf", NOTO / "NotoSansDevanagari-Bold.ttf", 0),
    "NotoSansCJK": (NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc", 2),  # 2: SC
}
MAIN_FONT = "NotoSans"
INK, ACCENT, FAINT = (40, 40, 40), (122, 62, 20), (110, 110, 110)  # RGB: text, batik brown, small print


class FontsMissing(RuntimeError):
    """Debian's Noto fonts are not installed (apt: fonts-noto-core fonts-noto-cjk)."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def looks_like_code(text: str) -> bool:
    return len(text) == CODE_LENGTH and all(c in CODE_ALPHABET for c in text)


def verify_link(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}{VERIFY_PATH}{code}"


# --- who is eligible --------------------------------------------------------------------------------------

def days_needed(training: Training) -> int:
    """The organizer's rule: at least `certificate_days` days (never more than the training has), else every day."""
    every_day = len(training_days(training))
    return every_day if training.certificate_days is None else max(1, min(training.certificate_days, every_day))


async def attended_days(session: AsyncSession, training: Training) -> dict[int, int]:
    """Per registration of the training: on how many of its days the person was checked in (each check-in is
    of one local day of the training: bot/services/checkins.py)."""
    days = set(training_days(training))
    rows = await session.execute(
        select(CheckIn.registration_id, CheckIn.day)
        .join(Registration, Registration.id == CheckIn.registration_id)
        .where(Registration.training_id == training.id))
    seen: dict[int, set[date]] = defaultdict(set)
    for registration_id, day in rows:
        if day in days:
            seen[registration_id].add(day)
    return {registration_id: len(found) for registration_id, found in seen.items()}


# --- what the verification page shows ---------------------------------------------------------------------

@dataclass(frozen=True)
class Verified:
    """All that the public page says of a certificate."""

    code: str
    name: str
    title: str
    first_day: date
    last_day: date
    organizer: str


async def verified(session: AsyncSession, code: str) -> Verified | None:
    """The certificate `code` as the public may see it; None when there is none (or the code is malformed)."""
    code = code.strip().upper()
    if not looks_like_code(code):
        return None
    found = (await session.execute(
        select(Certificate, Training).join(Training, Training.id == Certificate.training_id)
        .where(Certificate.code == code))).first()
    if found is None:
        return None
    certificate, training = found
    days = training_days(training)
    return Verified(certificate.code, certificate.name, training.title, days[0], days[-1], training.organizer.name)


# --- the PDF ----------------------------------------------------------------------------------------------

@cache
def available_fonts() -> tuple[str, ...]:
    """The families whose files are installed, the main one first; FontsMissing without the main one."""
    found = tuple(family for family, (regular, bold, _index) in FONTS.items() if regular.is_file() and bold.is_file())
    if MAIN_FONT not in found:
        raise FontsMissing(f"{FONTS[MAIN_FONT][0]} is missing: install fonts-noto-core and fonts-noto-cjk")
    missing = [family for family in FONTS if family not in found]
    if missing:
        logger.warning("certificate fonts not installed (their scripts will not show): %s", ", ".join(missing))
    return found


@cache
def coverage(family: str) -> frozenset[int]:
    """The characters a font family has (read once: Noto Sans CJK alone holds 65,000 glyphs)."""
    from fontTools.ttLib import TTFont

    regular, _bold, index = FONTS[family]
    return frozenset(TTFont(str(regular), fontNumber=index, lazy=True).getBestCmap())


def families_for(texts: list[str]) -> list[str]:
    """The main font and only the fallbacks these texts need (each font embedded costs time, so a Latin-only
    certificate embeds one family)."""
    missing = {ord(c) for text in texts for c in text if not c.isspace()} - coverage(MAIN_FONT)
    chosen = [MAIN_FONT]
    for family in available_fonts():
        if family != MAIN_FONT and missing & coverage(family):
            chosen.append(family)
            missing -= coverage(family)
    return chosen


def _lines(pdf: object, text: str, size: float, height: float, bold: bool = False,
           color: tuple[int, int, int] = INK) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    pdf.set_font(MAIN_FONT, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def render_pdf(verified_: Verified, language: str, link: str, issued: date) -> bytes:
    """The certificate as a PDF (A4 landscape), made here without any network access, in `language`."""
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Sertifikat {verified_.code}")
    pdf.set_creator("Kriya")
    # Each style of each family only where its text needs it (embedding Noto Sans CJK takes seconds).
    bold, regular = families_for([verified_.name, verified_.title]), families_for([verified_.organizer])
    for family in dict.fromkeys(bold + regular):
        regular_file, bold_file, index = FONTS[family]
        for style, path, wanted in (("", regular_file, regular), ("B", bold_file, bold)):
            if family in wanted or family == MAIN_FONT:
                pdf.add_font(family, style, str(path), collection_font_number=index)
    pdf.set_fallback_fonts([f for f in dict.fromkeys(bold + regular) if f != MAIN_FONT], exact_match=False)
    pdf.set_text_shaping(True)  # HarfBuzz: joined Arabic letters read right to left, Thai and Tamil marks in place
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, 269, 182)
    pdf.set_margins(24, 24, 24)
    with use_language(language):
        pdf.set_y(32)
        _lines(pdf, _("SERTIFIKAT KEHADIRAN"), 30, 14, bold=True, color=ACCENT)
        pdf.ln(8)
        _lines(pdf, _("diberikan kepada"), 14, 8, color=FAINT)
        pdf.ln(2)
        _lines(pdf, verified_.name, 30, 15, bold=True)
        pdf.ln(4)
        _lines(pdf, _("atas kehadirannya dalam pelatihan"), 14, 8, color=FAINT)
        pdf.ln(2)
        _lines(pdf, verified_.title, 20, 10, bold=True)
        pdf.ln(2)
        _lines(pdf, format_days(verified_.first_day, verified_.last_day), 14, 8)
        pdf.ln(6)
        _lines(pdf, _("Penyelenggara: {organizer}").format(organizer=verified_.organizer), 14, 8)
        pdf.set_y(168)
        _lines(pdf, _("Diterbitkan {day} · Kode {code}").format(day=format_day(issued), code=verified_.code), 10, 6,
               color=FAINT)
        _lines(pdf, _("Cek keaslian: {link}").format(link=link), 10, 6, color=FAINT)
    return bytes(pdf.output())


async def certificate_pdf(session: AsyncSession, code: str) -> bytes:
    """The PDF of certificate `code`, in the language of its holder, with its verification link; LookupError
    when there is none (or it went with its holder's data)."""
    found = await verified(session, code)
    if found is None:
        raise LookupError("no such certificate")
    certificate = (await session.execute(select(Certificate).where(Certificate.code == found.code))).scalar_one()
    training = await session.get_one(Training, certificate.training_id)
    zone = zone_of(training.regency or training.province).zone
    return render_pdf(found, certificate.language, certificate.link, certificate.issued_at.astimezone(zone).date())


async def certificate_document(session: AsyncSession, code: str) -> tuple[bytes, str]:
    """What an attachment "certificate:<code>" is made of at send time: the PDF and its media type (for
    bot/services/attachments.py's RENDERERS)."""
    return await certificate_pdf(session, code), PDF
