"""A broadcast in a real browser (Playwright driving Debian's Chromium) at 360 px wide: an organizer writes it,
reads its preview, sends it, the outbox sends it to the fake Telegram Bot API (one person blocked the bot), and
the delivery log shows the failure with its reason; signed out, the log is closed. Screenshots go to
$KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os

import pytest

from bot.app import App
from tests.organizers.conftest import PASSWORD, World
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, serving
from tests.organizers.test_console_broadcasts import BLOCKED_CHAT, FINE_CHAT, app, fake, people  # noqa: F401
from tests.telegram.fake_bot_api import FakeBotApi

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]


async def test_an_organizer_previews_sends_and_reads_the_log_of_a_broadcast(
        app: App, fake: FakeBotApi, people: dict[str, int], world: World) -> None:  # noqa: F811
    playwright_api = pytest.importorskip("playwright.async_api")
    shots = os.environ.get("KRIYA_SCREENSHOTS")
    fake.known_chats.update({FINE_CHAT, BLOCKED_CHAT})
    fake.blocked.add(BLOCKED_CHAT)
    async with serving(app) as served:
        async with playwright_api.async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
            try:
                page = await (await browser.new_context(viewport=PHONE)).new_page()
                await page.goto(f"{served}/console/broadcasts/new")
                await page.get_by_label("Email").fill(world.one.emails["staff"])
                await page.get_by_label("Kata sandi").fill(PASSWORD)
                await page.get_by_role("button", name="Masuk").click()
                await page.wait_for_url(f"{served}/console/broadcasts/new")
                await page.get_by_label("Pesan").fill("Pameran tenun di Semarang, 5 Desember.\nDaftar lewat Kriya!")
                await page.get_by_label("Kerajinan").select_option("tenun")
                await page.get_by_label("Wilayah (provinsi atau kabupaten/kota)").fill("Jawa Tengah")
                if shots:
                    await page.screenshot(path=f"{shots}/broadcast-new-360.png", full_page=True)
                await page.get_by_role("button", name="Pratinjau").click()
                await page.wait_for_url(f"{served}/console/broadcasts/preview")
                assert await page.locator("#recipients").inner_text() == "4"
                assert await page.locator("#outside-window").inner_text() == "1"
                assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                if shots:
                    await page.screenshot(path=f"{shots}/broadcast-preview-360.png", full_page=True)
                await page.get_by_role("button", name="Kirim siaran (4)").click()
                await page.wait_for_url(f"{served}/console/broadcasts/*")
                log_url = page.url

                assert await app.outbox.run_once() == 3  # the Telegram recipients
                await page.reload()
                assert await page.locator("#count-failed").inner_text() == "2"
                assert await page.get_by_text("bot was blocked by the user").count() == 1
                assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
                if shots:
                    await page.screenshot(path=f"{shots}/broadcast-log-360.png", full_page=True)
                await page.goto(f"{served}/console/")
                assert await page.locator("#failed-sends").count() == 1
                if shots:
                    await page.screenshot(path=f"{shots}/dashboard-failed-sends-360.png", full_page=True)
                await page.get_by_role("button", name="Keluar").click()
                await page.wait_for_url(f"{served}/console/login")
                await page.goto(log_url)
                assert page.url.startswith(f"{served}/console/login")
            finally:
                await browser.close()
