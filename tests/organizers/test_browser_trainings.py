"""In a real browser at 360 px wide (Playwright driving Debian's Chromium): a staff member creates a training from
the console's form, first with a mistake shown next to its field, then saved; then imports a CSV file after its dry
run. Screenshots to $KRIYA_SCREENSHOTS."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.organizers import uploads
from db.models import Organizer, Training
from tests.organizers.conftest import PASSWORD
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, TRAINING, add_account, served

IMPORT_CSV = (
    "code,title,craft,organizer,province,regency,venue,mode,starts_at,ends_at,quota,fee,contact,description\n"
    "TNN-JPR-01,Tenun ikat Troso,tenun,,Jawa Tengah,Kabupaten Jepara,Balai Desa Troso,offline,2026-12-15 09:00,"
    "2026-12-15 15:00,20,0,0291 000,Tenun untuk pemula\n"
    "TNN-JPR-02,,sutra,,Jawa Tengah,Kabupaten Jepara,Balai Desa Troso,offline,2026-12-16 09:00,"
    "2026-12-16 15:00,20,0,0291 000,Tenun lanjutan\n"
)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]
__all__ = ["served"]  # the fixture, served by uvicorn on 127.0.0.1


@pytest.fixture(autouse=True)
def upload_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Checked files go to the test's own folder (set before `served` makes the web app)."""
    folder = tmp_path / "uploads"
    monkeypatch.setattr(uploads, "UPLOADS_DIR", folder)
    return folder


async def test_a_staff_member_creates_a_training_on_a_phone(demo_app: App, served: str,
                                                             upload_folder: Path) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    async with demo_app.sessionmaker() as session:
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
    await add_account(demo_app, "petugas@balai.example", organizer.name)
    shots = os.environ.get("KRIYA_SCREENSHOTS")

    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            await page.goto(f"{served}/console/login")
            await page.get_by_label("Email").fill("petugas@balai.example")
            await page.get_by_label("Kata sandi").fill(PASSWORD)
            await page.get_by_role("button", name="Masuk").click()
            await page.wait_for_url(f"{served}/console/")
            await page.get_by_role("link", name="Pelatihan baru").click()
            await page.wait_for_url(f"{served}/console/trainings/new")
            if shots:
                await page.screenshot(path=f"{shots}/training-new-360.png")  # the top: copy from, first fields
            await page.get_by_label("Kode pelatihan").fill("BTK-PKL-09")
            await page.get_by_label("Judul").fill("Pewarnaan alami batik pesisir")
            await page.get_by_label("Kerajinan").select_option("batik")
            await page.get_by_label("Bentuk pelatihan").select_option("hybrid")
            await page.get_by_label("Provinsi").fill("Jawa Tengah")
            await page.get_by_label("Kabupaten/kota").fill("Kota Pekalongan")
            await page.get_by_label("Tempat").fill("Museum Batik Pekalongan")
            await page.get_by_label("Mulai", exact=True).fill("2026-12-10T09:00")
            await page.get_by_label("Selesai", exact=True).fill("2026-12-10T08:00")  # before the start: refused
            await page.get_by_label("Kuota peserta").fill("20")
            await page.get_by_label("Biaya (rupiah)").fill("0")
            await page.get_by_label("Kontak").fill("0285 431 000")
            await page.get_by_label("Deskripsi").fill("Praktik pewarnaan alami untuk perajin batik pesisir.")
            if shots:
                await page.screenshot(path=f"{shots}/training-form-360.png", full_page=True)
            await page.get_by_role("button", name="Simpan").click()
            await page.wait_for_load_state()
            assert await page.locator("#f-ends_at-error").count() == 1
            assert await page.get_by_label("Tempat").input_value() == "Museum Batik Pekalongan"  # kept
            if shots:
                await page.screenshot(path=f"{shots}/training-form-error-360.png", full_page=True)
                await page.locator("#f-ends_at").scroll_into_view_if_needed()
                await page.screenshot(path=f"{shots}/training-form-error-field-360.png")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], width  # nothing wider than the phone: no sideways scrolling
            async with demo_app.sessionmaker() as session:
                assert await session.scalar(select(Training.id).where(Training.code == "BTK-PKL-09")) is None
            await page.get_by_label("Selesai", exact=True).fill("2026-12-10T15:00")
            await page.get_by_role("button", name="Simpan").click()
            await page.wait_for_url(f"{served}/console/trainings/BTK-PKL-09")
            assert await page.get_by_role("heading", name="Pewarnaan alami batik pesisir").count() == 1
            if shots:
                await page.screenshot(path=f"{shots}/training-created-360.png")

            await page.goto(f"{served}/console/import")
            await page.get_by_label("Berkas CSV atau XLSX").set_input_files(
                {"name": "katalog.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV.encode()})
            await page.get_by_role("button", name="Periksa berkas").click()
            await page.wait_for_load_state()
            assert await page.locator("table.row-errors tbody tr").count() == 2  # line 3: title and craft
            if shots:
                await page.screenshot(path=f"{shots}/import-dry-run-360.png", full_page=True)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], width
            await page.get_by_role("button", name="Simpan baris yang benar").click()
            await page.wait_for_load_state()
            assert await page.get_by_text("Impor selesai").count() == 1
            assert list((upload_folder / str(organizer.id)).iterdir()) == []  # the saved file is gone
        finally:
            await browser.close()
    async with demo_app.sessionmaker() as session:
        saved = (await session.execute(select(Training).where(Training.code == "BTK-PKL-09"))).scalar_one()
    assert (saved.organizer_id, saved.province, saved.regency, saved.mode) == (organizer.id, "33", "33.75", "hybrid")
    assert saved.starts_at == datetime(2026, 12, 10, 2, 0, tzinfo=UTC)
    async with demo_app.sessionmaker() as session:
        imported = (await session.execute(select(Training).where(Training.code.like("TNN-JPR-%")))).scalars().all()
    assert [(t.code, t.organizer_id) for t in imported] == [("TNN-JPR-01", organizer.id)]
