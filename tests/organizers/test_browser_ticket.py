"""The registrant's page in a real browser (Playwright driving Debian's Chromium) at 360 px wide: a chat
registrant's ticket code is shown, readable on a phone. Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from bot.app import App
from db.models import Organizer, Registration, Training
from tests.conftest import Chat
from tests.organizers.conftest import PASSWORD
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, TRAINING, add_account, served  # noqa: F401
from tests.test_registration_chat import fill_form

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]


async def test_the_registrant_page_shows_the_ticket(demo_app: App, served: str) -> None:  # noqa: F811
    playwright_api = pytest.importorskip("playwright.async_api")
    async with demo_app.sessionmaker() as session:
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
    await add_account(demo_app, "petugas@balai.example", organizer.name)
    chat = Chat(demo_app, user="6281377700002")
    await fill_form(chat, code=TRAINING, name="Wulan Sekar Arum")
    await chat.tap("Ya, daftar")
    assert any(reply.attachment is not None for reply in chat.replies)  # the QR went with the confirmation
    async with demo_app.sessionmaker() as session:
        code = await session.scalar(select(Registration.code).join(Training).where(
            Training.code == TRAINING, Registration.status == "registered").order_by(Registration.id.desc()).limit(1))
    assert code
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
            await page.goto(f"{served}/console/trainings/{TRAINING}/registrants/{code}")
            ticket = page.locator("dd.ticket strong")
            assert await ticket.inner_text() == code
            box = await ticket.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # not cut off
            if shots:
                await page.screenshot(path=f"{shots}/registrant-ticket-360.png", full_page=True)
        finally:
            await browser.close()
