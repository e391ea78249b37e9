"""End to end in a real browser (Playwright driving Debian's Chromium) against `kriya serve`'s web app on
127.0.0.1: an organizer signs in, sees a registration made in the chat, signs out; another organizer does not
see it. Screenshots at 360 px wide go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import select

from bot.app import App
from bot.organizers import accounts
from bot.web import create_web_app
from db.models import Organizer, Training
from tests.conftest import Chat
from tests.organizers.conftest import PASSWORD, PASSWORD_HASH
from tests.test_registration_chat import fill_form

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}
TRAINING = "BTK-YK-01"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)"),
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),  # the browser's part is the same on both
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def serving(app: App) -> AsyncIterator[str]:
    """The web app served by uvicorn on a free port of 127.0.0.1; its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_web_app(app, run_background=False), host="127.0.0.1",
                                           port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
        assert not task.done(), "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture
async def served(demo_app: App) -> AsyncIterator[str]:
    async with serving(demo_app) as url:
        yield url


async def add_account(app: App, email: str, organizer: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        account = await accounts.add_staff(session, email, organizer, "staff", None)
        account.password_hash = PASSWORD_HASH


async def test_an_organizer_sees_a_chat_registration_and_another_does_not(demo_app: App, served: str) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    async with demo_app.sessionmaker() as session:
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
    await add_account(demo_app, "petugas@balai.example", organizer.name)
    await add_account(demo_app, "petugas@dinas-bali.example", "Disperindag Bali")
    chat = Chat(demo_app, user="6281377700001")
    await fill_form(chat, code=TRAINING, name="Wulan Sekar Arum")
    await chat.tap("Ya, daftar")
    shots = os.environ.get("KRIYA_SCREENSHOTS")

    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            await page.goto(f"{served}/console/")
            assert page.url.startswith(f"{served}/console/login")
            if shots:
                await page.screenshot(path=f"{shots}/login-360.png", full_page=True)
            await page.get_by_label("Email").fill("petugas@balai.example")
            await page.get_by_label("Kata sandi").fill(PASSWORD)
            await page.get_by_role("button", name="Masuk").click()
            await page.wait_for_url(f"{served}/console/")
            link = page.get_by_role("link", name="Batik")  # the demo training's title starts with Batik
            assert await page.locator(f'a[href="/console/trainings/{TRAINING}"]').count() == 1
            assert await link.count() >= 1
            if shots:
                await page.screenshot(path=f"{shots}/dashboard-360.png", full_page=True)
            await page.locator(f'a[href="/console/trainings/{TRAINING}"]').click()
            await page.wait_for_url(f"{served}/console/trainings/{TRAINING}")
            assert await page.get_by_text("Wulan Sekar Arum").count() == 1
            if shots:
                await page.screenshot(path=f"{shots}/training-360.png")  # the top: title, counts, filters
            await page.get_by_role("button", name="Keluar").click()
            await page.wait_for_url(f"{served}/console/login")
            await page.goto(f"{served}/console/trainings/{TRAINING}")
            assert page.url.startswith(f"{served}/console/login")  # signed out means signed out

            other = await (await browser.new_context(viewport=PHONE)).new_page()
            await other.goto(f"{served}/console/login")
            await other.get_by_label("Email").fill("petugas@dinas-bali.example")
            await other.get_by_label("Kata sandi").fill(PASSWORD)
            await other.get_by_role("button", name="Masuk").click()
            await other.wait_for_url(f"{served}/console/")
            assert await other.locator(f'a[href="/console/trainings/{TRAINING}"]').count() == 0
            answer = await other.goto(f"{served}/console/trainings/{TRAINING}")
            assert answer is not None and answer.status == 404
            assert await other.get_by_text("Wulan Sekar Arum").count() == 0
        finally:
            await browser.close()
