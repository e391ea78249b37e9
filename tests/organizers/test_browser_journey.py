"""Issue 14's whole journey in a real browser (Playwright driving Debian's Chromium) at 360 px wide, against
`kriya serve`'s web app on 127.0.0.1: organizer A signs in, creates a training with the form, an artisan registers
for it in the chat (on Telegram, through the app's dispatcher), A sees the registration on the training's page,
writes a broadcast to that training's registrants, reads its preview (one recipient), sends it, the outbox sends it
to the fake Telegram Bot API, A finds it in the broadcast list and signs out; organizer B then sees none of it.
On SQLite and PostgreSQL. Screenshots go to $KRIYA_SCREENSHOTS when it is set."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from db.models import Artisan, Broadcast, OutboxMessage, Registration, Training
from tests.conftest import Chat
from tests.organizers.conftest import PASSWORD, World
from tests.organizers.test_browser import CHROMIUM, FLAGS, PHONE, serving
from tests.organizers.test_console_broadcasts import app, fake  # noqa: F401
from tests.telegram.fake_bot_api import FakeBotApi
from tests.test_registration_chat import fill_form

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install chromium)")

CODE = "BTK-PKL-09"
TITLE = "Pewarnaan alami batik pesisir"
ARTISAN = "Wulan Sekar Arum"
ARTISAN_CHAT = 9101  # the artisan's Telegram chat
MESSAGE = "Bawa kain mori sendiri ke Museum Batik, ya.\nSampai jumpa!"


@pytest.fixture
async def served(app: App) -> AsyncIterator[str]:  # noqa: F811
    """The web app (with the Telegram channel to the fake Bot API) served by uvicorn on 127.0.0.1."""
    async with serving(app) as url:
        yield url


async def sign_in(page: Any, served: str, email: str) -> None:
    await page.goto(f"{served}/console/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Kata sandi").fill(PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await page.wait_for_url(f"{served}/console/")


async def fits_the_phone(page: Any) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width  # no sideways scrolling


async def test_an_organizer_runs_a_training_from_creation_to_broadcast_and_another_sees_none_of_it(
        app: App, fake: FakeBotApi, world: World, served: str) -> None:  # noqa: F811
    playwright_api = pytest.importorskip("playwright.async_api")
    shots = os.environ.get("KRIYA_SCREENSHOTS")
    fake.known_chats.add(ARTISAN_CHAT)

    async def shot(page: Any, name: str) -> None:
        if shots:
            await page.screenshot(path=f"{shots}/journey-{name}-360.png", full_page=True)

    async with playwright_api.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            page = await (await browser.new_context(viewport=PHONE)).new_page()
            await sign_in(page, served, world.one.emails["staff"])
            await shot(page, "1-dashboard-a")

            # A creates a training through the form
            await page.get_by_role("link", name="Pelatihan baru").click()
            await page.wait_for_url(f"{served}/console/trainings/new")
            await page.get_by_label("Kode pelatihan").fill(CODE)
            await page.get_by_label("Judul").fill(TITLE)
            await page.get_by_label("Kerajinan").select_option("batik")
            await page.get_by_label("Bentuk pelatihan").select_option("offline")
            await page.get_by_label("Provinsi").fill("Jawa Tengah")
            await page.get_by_label("Kabupaten/kota").fill("Kota Pekalongan")
            await page.get_by_label("Tempat").fill("Museum Batik Pekalongan")
            await page.get_by_label("Mulai", exact=True).fill("2026-12-10T09:00")
            await page.get_by_label("Selesai", exact=True).fill("2026-12-10T15:00")
            await page.get_by_label("Kuota peserta").fill("20")
            await page.get_by_label("Biaya (rupiah)").fill("0")
            await page.get_by_label("Kontak").fill("0285 431 000")
            await page.get_by_label("Deskripsi").fill("Praktik pewarnaan alami untuk perajin batik pesisir.")
            await shot(page, "2-training-form")
            await page.get_by_role("button", name="Simpan").click()
            await page.wait_for_url(f"{served}/console/trainings/{CODE}")
            assert await page.get_by_role("heading", name=TITLE).count() == 1
            assert await page.get_by_text(ARTISAN).count() == 0  # nobody yet

            # an artisan registers for it in the chat (Telegram, through the app's dispatcher)
            chat = Chat(app, user=str(ARTISAN_CHAT), channel="telegram", name="Wulan")
            await fill_form(chat, code=CODE, name=ARTISAN)
            await chat.tap("Ya, daftar")
            assert "KR-" in chat.text  # the registration's code

            # A sees the registration on the dashboard (a seat taken) and on the training's page
            await page.goto(f"{served}/console/")
            row = page.locator("tr", has=page.locator(f'a[href="/console/trainings/{CODE}"]'))
            assert await row.locator('td[data-label="Kursi terisi"]').inner_text() == "1 / 20"
            await page.goto(f"{served}/console/trainings/{CODE}")
            assert await page.get_by_text(ARTISAN).count() == 1
            await fits_the_phone(page)
            await shot(page, "3-training-with-registrant")

            # A writes a broadcast to that training's registrants, previews it, sends it
            await page.goto(f"{served}/console/broadcasts/new")
            await page.get_by_label("Pesan").fill(MESSAGE)
            await page.get_by_label("Pendaftar pelatihan").select_option(CODE)
            await shot(page, "4-broadcast-new")
            await page.get_by_role("button", name="Pratinjau").click()
            await page.wait_for_url(f"{served}/console/broadcasts/preview")
            assert await page.locator("#recipients").inner_text() == "1"
            assert await page.get_by_text(ARTISAN).count() == 1  # among the sample of recipients
            assert f"<strong>{CODE}</strong>" in await page.content()  # the audience, with no stray separator
            await fits_the_phone(page)
            await shot(page, "5-broadcast-preview")
            await page.get_by_role("button", name="Kirim siaran (1)").click()
            await page.wait_for_url(f"{served}/console/broadcasts/*")
            log_url = page.url
            await app.outbox.run_once()
            await fake.wait_until(lambda: any(MESSAGE in sent["text"] for sent in fake.sent(ARTISAN_CHAT)))
            await page.reload()
            assert await page.get_by_text(ARTISAN).count() == 1  # the delivery log names the recipient
            await shot(page, "6-broadcast-log")

            # ... and in the broadcast list
            await page.goto(f"{served}/console/broadcasts")
            listed = page.locator(f'a[href="{log_url.removeprefix(served)}"]')
            assert await listed.count() == 1
            status = await page.locator('tr', has=listed).locator('td[data-label="Status"]').inner_text()
            assert status.strip() == "Terkirim 1"  # one sent, no stray separator
            await fits_the_phone(page)
            await shot(page, "7-broadcast-list")

            await page.get_by_role("button", name="Keluar").click()
            await page.wait_for_url(f"{served}/console/login")
            await page.goto(f"{served}/console/trainings/{CODE}")
            assert page.url.startswith(f"{served}/console/login")  # signed out means signed out

            # B (another organizer, its admin) sees none of it
            other = await (await browser.new_context(viewport=PHONE)).new_page()
            await sign_in(other, served, world.two.emails["admin"])
            assert await other.locator(f'a[href="/console/trainings/{CODE}"]').count() == 0
            assert await other.get_by_text(TITLE).count() == 0
            await shot(other, "8-dashboard-b")
            answer = await other.goto(f"{served}/console/trainings/{CODE}")
            assert answer is not None and answer.status == 404
            assert await other.get_by_text(ARTISAN).count() == 0
            await shot(other, "9-training-404-b")
            await other.goto(f"{served}/console/broadcasts")
            assert await other.get_by_text("Bawa kain mori").count() == 0
            answer = await other.goto(log_url)
            assert answer is not None and answer.status == 404
            assert await other.get_by_text(ARTISAN).count() == 0
            await other.goto(f"{served}/console/broadcasts/new")
            assert await other.locator(f'#training option[value="{CODE}"]').count() == 0
        finally:
            await browser.close()

    async with app.sessionmaker() as session:
        training = (await session.execute(select(Training).where(Training.code == CODE))).scalar_one()
        registration, artisan = (await session.execute(
            select(Registration, Artisan).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Registration.training_id == training.id))).one()
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
        rows = list((await session.execute(
            select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast.id))).scalars())
    assert training.organizer_id == world.one.organizer_id
    assert (artisan.full_name, registration.status) == (ARTISAN, "registered")
    assert (broadcast.organizer_id, broadcast.recipients) == (world.one.organizer_id, 1)
    assert [(row.artisan_id, row.channel, row.external_id, row.status) for row in rows] == [
        (artisan.id, "telegram", str(ARTISAN_CHAT), "sent")]
    assert MESSAGE in rows[0].body["text"]
