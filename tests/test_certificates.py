"""Certificates of attendance: the organizer's rule decides who gets one, codes are random, the PDF (made here,
no network) carries names in any script and the training in the holder's language, /verify shows only the name,
training, dates and organizer, and a person who deletes their data takes their certificate with them."""

from __future__ import annotations

import asyncio
import io
import re
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot.app import App
from bot.services.certificates import CODE_LENGTH, certificate_pdf, looks_like_code, training_days
from bot.services.privacy import Privacy
from bot.web import create_web_app
from db.models import Artisan, ChannelIdentity, Registration, Training
from tests.aftercare_helpers import (
    POLICY,
    PUBLIC_URL,
    after_the_end,
    certificate_of,
    check_in,
    scheduler_pass,
    training,
)
from tests.conftest import Clock

NAMES = {
    "arabic": "محمد عبد الله",
    "chinese": "王小明",
    "latin": "Ni Luh Ayu Śrī Dewi Ñoman",
    "thai": "สมชาย ใจดี",
    "tamil": "தமிழ்செல்வி",
}
MULTI_DAY = "BTK-YK-01"  # five days in Yogyakarta
ONE_DAY = "KYU-JKT-01"


async def registrant(app: App, code: str, name: str, language: str = "id", phone: str | None = None) -> Registration:
    """Someone registered for `code` who can be reached in the chat (a console identity)."""
    async with app.sessionmaker() as session, session.begin():
        item = (await session.execute(select(Training).where(Training.code == code))).scalar_one()
        person = Artisan(full_name=name, display_name=name, language=language, phone=phone, regency="34.04",
                         province="34", consent_at=app.clock())
        session.add(person)
        await session.flush()
        session.add(ChannelIdentity(artisan_id=person.id, channel="console", external_id=uuid.uuid4().hex,
                                    last_inbound_at=app.clock()))
        registration = Registration(code=f"KR-{uuid.uuid4().hex[:6].upper()}", training_id=item.id,
                                    artisan_id=person.id, status="registered")
        session.add(registration)
    return registration


def pdf_text(data: bytes) -> str:
    """The PDF's text as pypdf extracts it (pypdf puts a NUL before each glyph of a CID-keyed CFF font such as
    Noto Sans CJK, which poppler's pdftotext does not: the NULs are pypdf's, dropped here)."""
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


async def test_only_attendees_meeting_the_rule_get_a_certificate(demo_app: App, clock: Clock) -> None:
    days = training_days(await training(demo_app, MULTI_DAY))
    assert len(days) == 5
    every_day = await registrant(demo_app, MULTI_DAY, "Sari Every Day")
    one_day = await registrant(demo_app, MULTI_DAY, "Budi One Day")
    absent = await registrant(demo_app, MULTI_DAY, "Tono Absent")
    found = await training(demo_app, MULTI_DAY)
    await check_in(demo_app, every_day.id, found.starts_at + timedelta(minutes=5))  # one row a registration here
    await check_in(demo_app, one_day.id, found.starts_at + timedelta(days=2, minutes=5))
    await after_the_end(demo_app, clock, MULTI_DAY)
    counts = await scheduler_pass(demo_app, clock)
    # the default rule is every one of the five days: a day of check-ins earns nothing yet
    assert await certificate_of(demo_app, every_day.id) is None and await certificate_of(demo_app, one_day.id) is None
    assert counts["feedback"] >= 2
    assert await certificate_of(demo_app, absent.id) is None


async def test_at_least_n_days_and_a_certificate_once(demo_app: App, clock: Clock) -> None:
    async with demo_app.sessionmaker() as session, session.begin():
        item = (await session.execute(select(Training).where(Training.code == MULTI_DAY))).scalar_one()
        item.certificate_days = 1
    came = await registrant(demo_app, MULTI_DAY, NAMES["latin"])
    absent = await registrant(demo_app, MULTI_DAY, "Tono Absent")
    found = await training(demo_app, MULTI_DAY)
    await check_in(demo_app, came.id, found.starts_at + timedelta(days=1, hours=1))
    await after_the_end(demo_app, clock, MULTI_DAY)
    await scheduler_pass(demo_app, clock)
    certificate = await certificate_of(demo_app, came.id)
    assert certificate is not None and certificate.days_attended == 1 and certificate.name == NAMES["latin"]
    assert await certificate_of(demo_app, absent.id) is None
    clock.advance(hours=3)
    assert (await scheduler_pass(demo_app, clock))["certificates"] == 0
    assert (await certificate_of(demo_app, came.id)).code == certificate.code  # type: ignore[union-attr]


async def test_codes_are_random_not_sequential(demo_app: App, clock: Clock) -> None:
    people = [await registrant(demo_app, ONE_DAY, f"Peserta {n}") for n in range(6)]
    found = await training(demo_app, ONE_DAY)
    for person in people:
        await check_in(demo_app, person.id, found.starts_at + timedelta(minutes=1))
    await after_the_end(demo_app, clock, ONE_DAY)
    await scheduler_pass(demo_app, clock)
    codes = [(await certificate_of(demo_app, p.id)).code for p in people]  # type: ignore[union-attr]
    assert len(set(codes)) == 6 and all(looks_like_code(c) and len(c) == CODE_LENGTH for c in codes)
    assert len({c[:6] for c in codes}) == 6  # no shared prefix counting up
    assert not any(p.code in c for p, c in zip(people, codes, strict=True))  # not the ticket either


async def certified(app: App, clock: Clock, name: str, language: str = "id", phone: str | None = None) -> str:
    person = await registrant(app, ONE_DAY, name, language=language, phone=phone)
    found = await training(app, ONE_DAY)
    await check_in(app, person.id, found.starts_at + timedelta(minutes=1))
    await after_the_end(app, clock, ONE_DAY)
    await scheduler_pass(app, clock)
    certificate = await certificate_of(app, person.id)
    assert certificate is not None
    return certificate.code


@pytest.mark.parametrize("script", ["arabic", "chinese", "latin", "thai", "tamil"])
async def test_the_pdf_carries_the_name_in_its_script(demo_app: App, clock: Clock, script: str) -> None:
    code = await certified(demo_app, clock, NAMES[script])
    async with demo_app.sessionmaker() as session:
        data = await certificate_pdf(session, code)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    if script == "arabic":  # extracted in visual order: each word is there, joined
        assert all(word in text for word in NAMES[script].split())
    elif script in ("latin",):
        assert NAMES[script] in text
    elif script == "chinese":
        assert NAMES[script] in squeezed(text)
    item = await training(demo_app, ONE_DAY)
    assert squeezed(item.title) in squeezed(text)
    assert f"{PUBLIC_URL}/verify/{code}" in squeezed(text)
    assert "SERTIFIKAT KEHADIRAN" in text


async def test_the_pdf_is_in_the_holders_language(demo_app: App, clock: Clock) -> None:
    code = await certified(demo_app, clock, "Maria Santos", language="en")
    async with demo_app.sessionmaker() as session:
        text = pdf_text(await certificate_pdf(session, code))
    assert "CERTIFICATE OF ATTENDANCE" in text and "SERTIFIKAT" not in text


async def test_the_pdf_renders_to_an_image(demo_app: App, clock: Clock, tmp_path: Path) -> None:
    """poppler's pdftoppm reads it (the PNG is kept under tmp_path for a look)."""
    code = await certified(demo_app, clock, NAMES["arabic"] + " / " + NAMES["chinese"])
    async with demo_app.sessionmaker() as session:
        (tmp_path / "certificate.pdf").write_bytes(await certificate_pdf(session, code))
    render = await asyncio.create_subprocess_exec(
        "pdftoppm", "-png", "-r", "40", "-singlefile", str(tmp_path / "certificate.pdf"), str(tmp_path / "certificate"))
    assert await asyncio.wait_for(render.wait(), timeout=60) == 0
    assert (tmp_path / "certificate.png").stat().st_size > 5000


async def test_unknown_certificates_are_a_lookup_error(demo_app: App) -> None:
    async with demo_app.sessionmaker() as session:
        with pytest.raises(LookupError):
            await certificate_pdf(session, "ABCDEFGHJKLM")


async def verify_page(app: App, path: str, **headers: str) -> httpx.Response:
    web = create_web_app(app, run_background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://kriya.test") as http:
        return await http.get(path, headers=headers)


async def test_verify_shows_only_name_training_dates_and_organizer(demo_app: App, clock: Clock) -> None:
    code = await certified(demo_app, clock, NAMES["arabic"], phone="081234567890")
    page = await verify_page(demo_app, f"/verify/{code}")
    assert page.status_code == 200
    item = await training(demo_app, ONE_DAY)
    assert NAMES["arabic"] in page.text and item.title in page.text and item.organizer.name in page.text
    assert "081234567890" not in page.text and "81234567890" not in page.text
    assert "Jakarta" not in page.text and item.venue not in page.text  # no regency, no venue
    assert "KR-" not in page.text  # no ticket
    assert page.headers["x-robots-tag"].startswith("noindex")
    english = await verify_page(demo_app, f"/verify/{code.lower()}", **{"accept-language": "en-US,en;q=0.8"})
    assert english.status_code == 200 and "Certificate verification" in english.text


@pytest.mark.parametrize("code", ["ABCDEFGHJKLM", "1", "%3Cscript%3E", "A" * 200, "KR-ABC234"])
async def test_verify_answers_unknown_codes_politely_with_404(demo_app: App, code: str) -> None:
    page = await verify_page(demo_app, f"/verify/{code}")
    assert page.status_code == 404
    assert "tidak kami temukan" in page.text and "<script>" not in page.text


async def test_deleting_ones_data_takes_the_certificate_along(demo_app: App, clock: Clock) -> None:
    code = await certified(demo_app, clock, NAMES["chinese"])
    async with demo_app.sessionmaker() as session, session.begin():
        person = (await session.execute(select(Artisan).where(Artisan.full_name == NAMES["chinese"]))).scalar_one()
        await Privacy(session, clock(), "console", POLICY).delete_person(person)
    page = await verify_page(demo_app, f"/verify/{code}")
    assert page.status_code == 404 and NAMES["chinese"] not in page.text


def embedded_fonts(data: bytes) -> set[str]:
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values()}


@pytest.mark.parametrize(("name", "wanted", "not_wanted"), [
    ("Sari Wulandari", {"NotoSans", "NotoSansBold"}, {"NotoSansCJKSCBold", "NotoSansArabicBold"}),
    (NAMES["arabic"], {"NotoSansArabicBold"}, {"NotoSansCJKSCBold", "NotoSansArabic"}),
    (NAMES["thai"], {"NotoSansThaiBold"}, {"NotoSansArabicBold"}),
])
def test_only_the_fonts_a_certificate_needs_are_embedded(name: str, wanted: set[str], not_wanted: set[str]) -> None:
    from datetime import date

    from bot.services.certificates import Verified, render_pdf

    found = Verified("ABCDEFGHJKLM", name, "Pelatihan Batik", date(2026, 12, 5), date(2026, 12, 9), "Dinas")
    fonts = embedded_fonts(render_pdf(found, "id", "https://kriya.example.id/verify/ABCDEFGHJKLM", date(2026, 12, 9)))
    assert wanted <= fonts and not fonts & not_wanted, fonts
