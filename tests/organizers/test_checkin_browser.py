"""The check-in page in a real browser (Playwright driving Debian's Chromium, 360 px wide): the manual search path,
and the offline queue (scans made offline are sent when the connection is back, each recorded once, also when an
answer is lost on the way). Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from db.models import CheckIn, CheckInAttempt, Registration
from tests.conftest import Clock
from tests.organizers.conftest import PASSWORD, World
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, serving

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]
QUEUE = "kriya-checkin-queue:YK-1"


async def recorded(app: App) -> tuple[list[str], list[tuple[str, str]]]:
    """The tickets checked in, and the failed scans (ticket, reason)."""
    async with app.sessionmaker() as session:
        done = (await session.execute(select(Registration.code).join(CheckIn, CheckIn.registration_id == Registration.id)
                                      .order_by(CheckIn.id))).scalars().all()
        failed = (await session.execute(select(CheckInAttempt.ticket, CheckInAttempt.reason)
                                        .order_by(CheckInAttempt.id))).tuples().all()
    return list(done), list(failed)


WAIT = 15.0  # seconds a page may take to get somewhere


async def until(page: Any, expression: str) -> None:
    """Wait until `expression` is true in the page (polled from here: the page's CSP forbids eval)."""
    for _ in range(int(WAIT / 0.1)):
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"still false after {WAIT} s: {expression}")


async def signed_in_page(browser: Any, served: str, email: str) -> Any:
    context = await browser.new_context(viewport=PHONE)
    page = await context.new_page()
    await page.goto(f"{served}/console/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await page.wait_for_url(f"{served}/console/")
    return page


async def search_and_check_in(page: Any, words: str) -> None:
    await page.locator("#search").fill(words)
    await page.locator("#matches button").first.click()


async def test_the_manual_search_checks_in_once_and_says_why_not(app: App, world: World, clock: Clock) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    clock.advance(days=7, minutes=7)  # YK-1's day, 10.07 WIB
    shots = os.environ.get("KRIYA_SCREENSHOTS")
    async with serving(app) as served, playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await signed_in_page(browser, served, world.one.emails["checkin"])
            await page.get_by_role("link", name="Registrasi ulang").click()
            await page.wait_for_url(f"{served}/console/checkin")
            if shots:
                await page.screenshot(path=f"{shots}/checkin-pick-360.png", full_page=True)
            await page.get_by_role("link", name="Pelatihan YK-1").click()
            await page.wait_for_url(f"{served}/console/trainings/YK-1/checkin")
            result = page.locator("#result")

            await page.locator("#search").fill("perajin yk 2")
            assert await page.locator("#matches li").count() == 1
            await page.get_by_role("button", name="Catat hadir").click()
            await page.wait_for_selector("#result[data-kind=ok]")
            assert "10:07" in await result.inner_text() and "Perajin YK 2" in await result.inner_text()
            assert await page.locator("#arrived").inner_text() == "1"

            clock.advance(minutes=20)
            await search_and_check_in(page, "KR-YK2")
            await page.wait_for_selector("#result[data-kind=already]")
            assert "10:07" in await result.inner_text()  # the first time, not now
            await search_and_check_in(page, "kr-yk3")
            await page.wait_for_selector("#result[data-kind=refused]")
            assert "daftar tunggu" in (await result.inner_text()).lower()
            await page.locator("#search").fill("KR-ZZ99")
            await page.get_by_role("button", name="Catat tiket KR-ZZ99").click()
            await until(page, "document.querySelectorAll('#log li[data-kind=refused]').length === 2")
            assert "tidak dikenal" in (await result.inner_text()).lower()
            await page.locator("#search").fill("Perajin")
            if shots:
                await page.screenshot(path=f"{shots}/checkin-search-360.png", full_page=True)
            assert await recorded(app) == (["KR-YK2"], [("KR-YK2", "already"), ("KR-YK3", "waitlisted"),
                                                        ("KR-ZZ99", "unknown")])
            await page.reload()
            assert await page.locator("table.failed tbody tr").count() == 3  # the failed scans, with the reason
            await page.goto(f"{served}/console/trainings/YK-1/attendance")
            if shots:
                await page.screenshot(path=f"{shots}/attendance-360.png", full_page=True)
                await page.set_viewport_size({"width": 1100, "height": 780})
                await page.emulate_media(media="print")
                await page.screenshot(path=f"{shots}/attendance-print.png", full_page=True)
        finally:
            await browser.close()


async def test_scans_made_offline_arrive_once_when_the_connection_is_back(app: App, world: World,
                                                                          clock: Clock) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    clock.advance(days=7)
    shots = os.environ.get("KRIYA_SCREENSHOTS")
    async with serving(app) as served, playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await signed_in_page(browser, served, world.one.emails["checkin"])
            await page.goto(f"{served}/console/trainings/YK-1/checkin")
            await page.context.set_offline(True)
            await search_and_check_in(page, "Perajin YK 1")
            await search_and_check_in(page, "Perajin YK 1")  # the same person twice, both queued
            await page.wait_for_selector("#result[data-kind=pending]")
            await until(page, "document.getElementById('net').dataset.state === 'offline'")
            assert await page.evaluate(f"JSON.parse(localStorage.getItem('{QUEUE}')).length") == 2
            if shots:
                await page.screenshot(path=f"{shots}/checkin-offline-360.png", full_page=True)
            assert await recorded(app) == ([], [])

            await page.context.set_offline(False)
            await until(page, f"JSON.parse(localStorage.getItem('{QUEUE}')).length === 0")
            await page.wait_for_selector("#result[data-kind=already]")
            assert await recorded(app) == (["KR-YK1"], [("KR-YK1", "already")])
            kinds = await page.eval_on_selector_all("#log li", "items => items.map(i => i.dataset.kind)")
            assert kinds == ["already", "ok"]  # newest first: each queued line became its answer

            lost: list[str] = []

            async def lose_the_first_answer(route: Any) -> None:
                if lost:
                    await route.continue_()
                    return
                lost.append((await route.fetch()).status.__str__())  # the server got it and answered...
                await route.abort()  # ...and the answer never reached the phone

            await page.route("**/console/trainings/YK-1/checkin", lose_the_first_answer)
            await search_and_check_in(page, "KR-YK2")
            await until(page, f"JSON.parse(localStorage.getItem('{QUEUE}')).length === 0")
            await page.wait_for_selector("#log li:first-child[data-kind=ok]")
            assert lost == ["201"]
            assert await recorded(app) == (["KR-YK1", "KR-YK2"], [("KR-YK1", "already")])  # sent twice, kept once
        finally:
            await browser.close()
