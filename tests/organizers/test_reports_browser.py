"""The funders' report page in a real browser (Playwright driving Debian's Chromium) at 360 px: a viewer of office
one reaches it from the dashboard, asks for 2026, reads the figures computed from the known rows of
tests/organizers/test_reports.py, nothing is wider than the phone; office two's viewer never sees office one's
training. Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os

import pytest

from bot.app import App
from tests.organizers.conftest import PASSWORD, World
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, serving
from tests.organizers.test_reports import rows  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]


async def test_the_report_page_on_a_phone(app: App, world: World, rows: None) -> None:  # noqa: F811
    playwright_api = pytest.importorskip("playwright.async_api")
    shots = os.environ.get("KRIYA_SCREENSHOTS")
    async with serving(app) as served, playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            await page.goto(f"{served}/console/login")
            await page.get_by_label("Email").fill(world.one.emails["viewer"])
            await page.get_by_label("Kata sandi").fill(PASSWORD)
            await page.get_by_role("button", name="Masuk").click()
            await page.wait_for_url(f"{served}/console/")
            await page.get_by_role("link", name="Laporan untuk penyandang dana").click()
            await page.wait_for_url(f"{served}/console/reports")
            await page.get_by_label("Dari tanggal").fill("2026-01-01")
            await page.get_by_label("Sampai tanggal").fill("2026-12-31")
            await page.get_by_role("button", name="Tampilkan").click()
            await page.wait_for_url(f"{served}/console/reports?**")
            summary = page.locator("ul.figures")
            assert await summary.locator('[data-figure="registered"] strong').inner_text() == "9"
            assert await summary.locator('[data-figure="attended"] strong').inner_text() == "3"
            assert await summary.locator('[data-figure="no_shows"] strong').inner_text() == "1"
            female = page.locator('table[data-breakdown="gender"] tr[data-group="female"] td[data-figure="registered"]')
            assert await female.inner_text() == "3"
            assert await page.locator('tr[data-training="REP-A"]').count() == 1
            assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
            if shots:
                await page.screenshot(path=f"{shots}/reports-360.png", full_page=True)
                await page.screenshot(path=f"{shots}/reports-360-top.png")
            async with page.expect_download() as download:
                await page.get_by_role("link", name="Unduh XLSX").click()
            assert (await download.value).suggested_filename.endswith(".xlsx")

            other = await (await browser.new_context(viewport=PHONE)).new_page()
            await other.goto(f"{served}/console/login")
            await other.get_by_label("Email").fill(world.two.emails["viewer"])
            await other.get_by_label("Kata sandi").fill(PASSWORD)
            await other.get_by_role("button", name="Masuk").click()
            await other.wait_for_url(f"{served}/console/")
            await other.goto(f"{served}/console/reports?from=2026-01-01&to=2026-12-31")
            assert await other.locator('tr[data-training="REP-A"]').count() == 0
            assert await other.locator('tr[data-training="REP-Z"]').count() == 1
            answer = await other.goto(f"{served}/console/reports?training=REP-A")
            assert answer is not None and answer.status == 404
        finally:
            await browser.close()
