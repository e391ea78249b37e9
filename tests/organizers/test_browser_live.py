"""The training's page keeps itself up to date in a real browser (Playwright driving Debian's Chromium): the page
is open, a registrant says in the chat they cannot come, and the page shows the decline and the seat offered to the
first person waiting, then the offer taken, without a reload; a failed update is said quietly and retried; a hidden
tab does not ask; a session gone is said. Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.organizers import console_live
from db.models import Organizer, Training
from tests.attendance import (
    TRAINING,
    asking_moment,
    fill_up,
    person,
    register,
    registration_of,
    scheduler_pass,
    waiting,
)
from tests.conftest import Chat, Clock
from tests.organizers.conftest import PASSWORD
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, add_account, serving

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]

WAIT_MS = 8000  # "within a few seconds": the test polls every half second, so this is generous


async def test_a_decline_in_the_chat_shows_on_the_open_page(demo_app: App, clock: Clock, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    expect = playwright_api.expect
    monkeypatch.setattr(console_live, "POLL_SECONDS", 0.5)
    monkeypatch.setattr(console_live, "RETRY_MAX_SECONDS", 1.0)
    async with demo_app.sessionmaker() as session:
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
    await add_account(demo_app, "petugas@balai.example", organizer.name)
    training = await fill_up(demo_app, free=1)
    leaving = await person(demo_app, "Made Sutama", "c-leaving")
    assert (await register(demo_app, leaving)).status == "registered"  # the last seat
    [first] = await waiting(demo_app, 1)
    clock.now = asking_moment(training) + timedelta(minutes=1)
    assert (await scheduler_pass(demo_app))["confirm_asked"] >= 1
    leaving_code = (await registration_of(demo_app, leaving)).code
    offered_code = (await registration_of(demo_app, first)).code
    shots = Path(os.environ.get("KRIYA_SCREENSHOTS") or tmp_path)

    async with serving(demo_app) as served, playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url) if "/live" in request.url else None)
            await page.goto(f"{served}/console/login")
            await page.get_by_label("Email").fill("petugas@balai.example")
            await page.get_by_label("Kata sandi").fill(PASSWORD)
            await page.get_by_role("button", name="Masuk").click()
            await page.wait_for_url(f"{served}/console/")
            await page.goto(f"{served}/console/trainings/{TRAINING}")
            section = page.locator("#attendance")
            declined = section.locator('[data-attendance="declined"] strong')
            before = int(await declined.inner_text())
            assert await section.locator("[data-offer]").count() == 0
            status = page.locator("#live-status")
            await expect(status).to_have_text("Halaman ini memperbarui dirinya sendiri.")
            await page.evaluate("window.kriyaNotReloaded = true")

            chat = Chat(demo_app, user="c-leaving")
            await chat.say("ga bisa kak ada acara")
            await chat.say("iya")  # yes, cancel: the seat goes to the first waiting at once
            await expect(declined).to_have_text(str(before + 1), timeout=WAIT_MS)
            await expect(section.locator(f'[data-offer="{offered_code}"]')).to_be_visible(timeout=WAIT_MS)
            row = page.locator("tr", has_text=leaving_code)
            await expect(row).to_contain_text("Tidak bisa datang")
            await expect(status).to_contain_text("Diperbarui otomatis pukul")
            assert await page.evaluate("window.kriyaNotReloaded") is True
            await section.scroll_into_view_if_needed()
            await page.screenshot(path=str(shots / "live-declined-360.png"))

            await page.route("**/live*", lambda route: route.abort())  # the connection fails
            await expect(status).to_have_text("Pembaruan otomatis gagal; dicoba lagi sebentar lagi.",
                                              timeout=WAIT_MS)
            await page.screenshot(path=str(shots / "live-failed-360.png"))
            await Chat(demo_app, user="w-0").say("ambil kak")  # the offer taken while the page cannot ask
            await page.unroute("**/live*")
            await expect(section.locator("[data-offer]")).to_have_count(0, timeout=WAIT_MS)
            taken = page.locator("tr", has_text=offered_code)
            await expect(taken).to_contain_text("Akan datang")
            await taken.scroll_into_view_if_needed()
            await page.screenshot(path=str(shots / "live-taken-360.png"))
            await expect(status).to_contain_text("Diperbarui otomatis pukul")
            assert await page.evaluate("window.kriyaNotReloaded") is True

            await page.evaluate("""() => {
                Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
                document.dispatchEvent(new Event("visibilitychange"));
            }""")
            asked.clear()
            await page.wait_for_timeout(2000)  # four intervals
            assert asked == []  # a hidden tab does not ask
            await page.evaluate("""() => {
                Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
                document.dispatchEvent(new Event("visibilitychange"));
            }""")
            await page.wait_for_timeout(300)
            assert len(asked) >= 1  # visible again: asks at once

            await page.context.clear_cookies()  # the session is gone: the page says so (and keeps what it shows)
            await expect(status).to_have_text("Sesi berakhir: muat ulang halaman untuk masuk lagi.",
                                              timeout=WAIT_MS)
            assert await page.locator(f'tr:has-text("{offered_code}")').count() == 1
        finally:
            await browser.close()
