"""The registrant actions in a real browser (Playwright driving Debian's Chromium) at 360 px wide: a staff member
adds a nominee to a full training (a wrong number first: the field says so), so on the waitlist; moving them is
refused while the quota is full; cancelling a chat registrant with a reason gives them the seat; the registrants
download. Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select, update

from bot.app import App
from db.models import Artisan, Organizer, OutboxMessage, Registration, Training
from tests.conftest import Chat
from tests.organizers.conftest import PASSWORD
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, TRAINING, add_account, served  # noqa: F401
from tests.test_registration_chat import fill_form

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]


async def test_a_staff_member_adds_a_nominee_and_cancels_them_with_a_reason(demo_app: App, served: str) -> None:  # noqa: F811
    playwright_api = pytest.importorskip("playwright.async_api")
    async with demo_app.sessionmaker() as session:
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
    await add_account(demo_app, "petugas@balai.example", organizer.name)
    chat = Chat(demo_app, user="6281377700001")  # someone who registered in the chat: they have a channel
    await fill_form(chat, code=TRAINING, name="Wulan Sekar Arum")
    await chat.tap("Ya, daftar")
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == TRAINING))).scalar_one()
        seated = await session.scalar(select(func.count()).where(Registration.training_id == training.id,
                                                                 Registration.status == "registered"))
        await session.execute(update(Training).where(Training.id == training.id).values(quota=seated))  # full
    shots = os.environ.get("KRIYA_SCREENSHOTS")

    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE, accept_downloads=True)).new_page()
            await page.goto(f"{served}/console/login")
            await page.get_by_label("Email").fill("petugas@balai.example")
            await page.get_by_label("Kata sandi").fill(PASSWORD)
            await page.get_by_role("button", name="Masuk").click()
            await page.wait_for_url(f"{served}/console/")
            await page.goto(f"{served}/console/trainings/{TRAINING}")
            if shots:
                await page.screenshot(path=f"{shots}/training-registrants-360.png")  # the top: counts, actions
            await page.get_by_role("link", name="Tambah pendaftar").click()
            await page.wait_for_url(f"{served}/console/trainings/{TRAINING}/registrants/new")
            await page.get_by_label("Nama lengkap").fill("Sri Wahyuni")
            await page.get_by_label("Nomor HP/WhatsApp").fill("12345")
            await page.get_by_label("Kabupaten/kota").fill("Kabupaten Bantul")
            await page.get_by_role("button", name="Tambahkan").click()
            await page.wait_for_load_state()
            assert await page.locator("#phone-error").count() == 1  # the field says what is wrong
            assert await page.get_by_label("Nama lengkap").input_value() == "Sri Wahyuni"  # what was typed is kept
            if shots:
                await page.screenshot(path=f"{shots}/registrant-new-errors-360.png", full_page=True)
            await page.get_by_label("Nomor HP/WhatsApp").fill("0813 2222 3333")
            await page.get_by_role("button", name="Tambahkan").click()
            await page.wait_for_url(f"{served}/console/trainings/{TRAINING}/registrants/done?what=waitlisted**")
            await page.get_by_role("link", name="Kembali ke pelatihan").click()
            await page.wait_for_url(f"{served}/console/trainings/{TRAINING}")
            row = page.locator("tr", has_text="Sri Wahyuni")
            assert await row.count() == 1
            if shots:
                await row.screenshot(path=f"{shots}/registrant-waitlisted-row-360.png")
            await row.get_by_role("button", name="Pindahkan ke terdaftar: Sri Wahyuni").click()
            await page.wait_for_load_state()
            assert await page.get_by_text("Kuota sudah penuh").count() == 1  # refused: no seat is free
            await page.goto(f"{served}/console/trainings/{TRAINING}")

            await page.get_by_role("link", name="Batalkan pendaftaran: Wulan Sekar Arum").click()
            await page.get_by_label("Alasan (wajib, dikirim ke peserta)").fill("Bukan dari kabupaten sasaran")
            if shots:
                await page.screenshot(path=f"{shots}/registrant-cancel-360.png", full_page=True)
            await page.get_by_role("button", name="Ya, batalkan pendaftaran").click()
            await page.wait_for_url(f"{served}/console/trainings/{TRAINING}/registrants/done**")
            assert await page.get_by_text("diberi tahu lewat chat").count() == 1
            # The nominee has no chat to be offered the seat in: they stay first on the waitlist, for staff to move.
            assert await page.get_by_text("ditawarkan ke urutan pertama daftar tunggu").count() == 0
            await page.goto(f"{served}/console/trainings/{TRAINING}")
            await page.locator("tr", has_text="Sri Wahyuni").get_by_role(
                "button", name="Pindahkan ke terdaftar: Sri Wahyuni").click()
            await page.wait_for_load_state()
            assert await page.get_by_text("Kuota sudah penuh").count() == 0  # the freed seat is theirs now
            await page.goto(f"{served}/console/trainings/{TRAINING}")
            async with page.expect_download() as waiting:
                await page.get_by_role("link", name="Pendaftar (XLSX)").click()
            download = await waiting.value
            assert download.suggested_filename == f"{TRAINING}-pendaftar.xlsx"
        finally:
            await browser.close()

    async with demo_app.sessionmaker() as session:
        found: dict[str | None, Registration] = dict((await session.execute(
            select(Artisan.full_name, Registration).join(Artisan, Artisan.id == Registration.artisan_id)
            .join(Training, Training.id == Registration.training_id)
            .where(Training.code == TRAINING, Artisan.full_name.in_(("Sri Wahyuni", "Wulan Sekar Arum"))))).tuples().all())
        removed = (await session.execute(select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like("removed:%")))).scalar_one()
    assert found["Sri Wahyuni"].status == "registered"  # the nominee was moved into the freed seat
    assert (found["Wulan Sekar Arum"].status, found["Wulan Sekar Arum"].cancel_reason) == (
        "cancelled", "Bukan dari kabupaten sasaran")
    assert removed.external_id == "6281377700001" and "Bukan dari kabupaten sasaran" in removed.body["text"]
