"""The training's page in a real browser (Playwright driving Debian's Chromium) on a 360 px phone: who comes and
the seats offered are readable without sideways scrolling. Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.services.confirmations import Confirmations
from db.models import Organizer, Training
from tests.attendance import TRAINING, fill_up, person, register, registration_of, waiting
from tests.organizers.conftest import PASSWORD
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, add_account, serving

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]


async def test_who_comes_and_the_offers_on_a_phone(demo_app: App, tmp_path: Path) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    async with demo_app.sessionmaker() as session:
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
    await add_account(demo_app, "petugas@balai.example", organizer.name)
    await fill_up(demo_app, free=2)
    coming, leaving = await person(demo_app, "Sri Rahayu", "c-1"), await person(demo_app, "Made Sutama", "c-2")
    for artisan_id in (coming, leaving):
        assert (await register(demo_app, artisan_id)).status == "registered"
    [first] = await waiting(demo_app, 1)
    codes = {a: (await registration_of(demo_app, a)).code for a in (coming, leaving)}
    async with demo_app.sessionmaker() as session, session.begin():
        answers = Confirmations(session, demo_app.clock(), demo_app.settings.policy)
        assert (await answers.confirm(coming, codes[coming])).done
        assert (await answers.decline(leaving, codes[leaving])).done
    offered = (await registration_of(demo_app, first)).code
    shots = Path(os.environ.get("KRIYA_SCREENSHOTS") or tmp_path)

    async with serving(demo_app) as served, playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            await page.goto(f"{served}/console/login")
            await page.get_by_label("Email").fill("petugas@balai.example")
            await page.get_by_label("Kata sandi").fill(PASSWORD)
            await page.get_by_role("button", name="Masuk").click()
            await page.wait_for_url(f"{served}/console/")
            await page.goto(f"{served}/console/trainings/{TRAINING}")
            section = page.locator("#attendance")
            await section.scroll_into_view_if_needed()
            assert await section.locator('[data-attendance="confirmed"] strong').inner_text() == "1"
            assert await section.locator('[data-attendance="declined"] strong').inner_text() == "1"
            assert await section.locator(f'[data-offer="{offered}"]').is_visible()
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            await section.screenshot(path=str(shots / "attendance-360.png"))
            row = page.locator("tr", has_text=offered)
            await row.scroll_into_view_if_needed()
            assert "ditawari kursi sampai" in await row.inner_text()
            await row.screenshot(path=str(shots / "offered-row-360.png"))
        finally:
            await browser.close()
