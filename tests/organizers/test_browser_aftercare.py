"""In a real browser (Playwright driving Debian's Chromium) at 360 px: the public /verify page of a certificate
shows the name as typed (Arabic, right to left) with the training, dates and organizer only, an unknown code
answers 404 politely; the training's console page shows its feedback. Screenshots go to $KRIYA_SCREENSHOTS."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from bot.app import App
from tests.aftercare_helpers import after_the_end, certificate_of, check_in, scheduler_pass, training
from tests.conftest import Chat, Clock
from tests.organizers.conftest import PASSWORD
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, add_account, serving
from tests.test_certificates import NAMES, registrant

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]
CODE = "KYU-JKT-01"


async def test_the_verify_page_and_the_console_section_in_chromium(demo_app: App, clock: Clock) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    person = await registrant(demo_app, CODE, NAMES["arabic"], phone="081234567890")
    found = await training(demo_app, CODE)
    await check_in(demo_app, person.id, found.starts_at + timedelta(minutes=3))
    await after_the_end(demo_app, clock, CODE)
    await scheduler_pass(demo_app, clock)
    certificate = await certificate_of(demo_app, person.id)
    assert certificate is not None
    async with demo_app.sessionmaker() as session:
        from sqlalchemy import select

        from db.models import ChannelIdentity
        user = await session.scalar(select(ChannelIdentity.external_id).where(
            ChannelIdentity.artisan_id == person.artisan_id))
    chat = Chat(demo_app, user=str(user), name=None)
    await chat.say("mantap bgt kak!!")
    await chat.say("semoga ada kelas lanjutan")
    await add_account(demo_app, "petugas@asephi.example", found.organizer.name)
    shots = os.environ.get("KRIYA_SCREENSHOTS")

    async with serving(demo_app) as served, playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE, locale="id-ID")).new_page()
            answer = await page.goto(f"{served}/verify/{certificate.code}")
            assert answer is not None and answer.status == 200
            name = page.get_by_test_id("name")
            assert await name.inner_text() == NAMES["arabic"]
            assert await name.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert await page.get_by_test_id("training").inner_text() == found.title
            assert await page.get_by_test_id("organizer").inner_text() == found.organizer.name
            body = await page.locator("body").inner_text()
            assert "081234567890" not in body and found.venue not in body and "Jakarta" not in body
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"]  # nothing wider than the phone
            if shots:
                await page.screenshot(path=f"{shots}/verify-360.png", full_page=True)
            missing = await page.goto(f"{served}/verify/ZZZZZZZZZZZZ")
            assert missing is not None and missing.status == 404
            assert await page.get_by_role("alert").count() == 1
            if shots:
                await page.screenshot(path=f"{shots}/verify-unknown-360.png", full_page=True)

            console = await (await browser.new_context(viewport=PHONE)).new_page()
            await console.goto(f"{served}/console/login")
            await console.get_by_label("Email").fill("petugas@asephi.example")
            await console.get_by_label("Kata sandi").fill(PASSWORD)
            await console.get_by_role("button", name="Masuk").click()
            await console.wait_for_url(f"{served}/console/")
            await console.goto(f"{served}/console/trainings/{CODE}#aftercare")
            assert await console.get_by_test_id("feedback-average").inner_text() == "5,0"
            assert await console.get_by_text("semoga ada kelas lanjutan").count() == 1
            assert await console.get_by_role("link", name=certificate.code).count() == 1
            if shots:
                await console.locator("#aftercare").screenshot(path=f"{shots}/console-aftercare-360.png")
        finally:
            await browser.close()
