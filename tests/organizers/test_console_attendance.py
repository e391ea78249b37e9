"""A training's console page shows who comes, as it is now: confirmed, not answered, declined, not asked; the seats
offered to the waitlist with their expiry; each registrant's state. The setting is a field of the training's form
and a column of the importer."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select, update

from bot.app import App
from bot.scheduler import Scheduler
from bot.services.catalogue import import_rows
from bot.services.confirmations import Confirmations
from db.models import Registration, Training
from tests.conftest import Clock
from tests.organizers.conftest import World, csrf_of, sign_in
from tests.organizers.test_console_registrants import registration, tell_by_chat
from tests.organizers.test_console_trainings import FORM, field_value, form_page, has_error


def count_of(html: str, state: str) -> int:
    found = re.search(rf'<li data-attendance="{state}">[^<]*<strong>(\d+)</strong>', html)
    assert found, state
    return int(found.group(1))


def state_of(html: str, code: str) -> str:
    """The text of the attendance cell of the registrant row with `code`."""
    row = re.search(rf'<tr>(?:(?!</tr>).)*{code}(?:(?!</tr>).)*</tr>', html, re.S)
    assert row, code
    cell = re.search(r'data-label="(?:Kehadiran|Attendance)"[^>]*>(.*?)</td>', row.group(0), re.S)
    assert cell, code
    return " ".join(cell.group(1).split())


async def test_the_page_counts_answers_and_shows_the_offers(app: App, world: World, client: httpx.AsyncClient,
                                                          clock: Clock) -> None:
    people = await tell_by_chat(app, "KR-YK1", "KR-YK2", "KR-YK3")
    async with app.sessionmaker() as session, session.begin():  # registered now (the test clock's), not later
        await session.execute(update(Registration).values(created_at=clock()))
    await sign_in(client, world.one.emails["viewer"])
    page = (await client.get("/console/trainings/YK-1")).text
    assert [count_of(page, s) for s in ("confirmed", "asked", "declined", "unasked")] == [0, 0, 0, 2]
    assert 'data-offer=' not in page
    async with app.sessionmaker() as session:
        starts = (await session.execute(select(Training.starts_at).where(Training.code == "YK-1"))).scalar_one()
    clock.now = starts - timedelta(days=3) + timedelta(minutes=5)  # YK-1 starts in 7 days: asked 3 days before
    scheduler = Scheduler(app.sessionmaker, clock, app.settings.policy, interval=30)
    assert (await scheduler.run_pass() or {})["confirm_asked"] == 2
    await sign_in(client, world.one.emails["viewer"])  # (days later: a new session)
    page = (await client.get("/console/trainings/YK-1")).text
    assert [count_of(page, s) for s in ("confirmed", "asked", "declined", "unasked")] == [0, 2, 0, 0]
    async with app.sessionmaker() as session, session.begin():
        answers = Confirmations(session, clock(), app.settings.policy)
        assert (await answers.confirm(people["KR-YK1"], "KR-YK1")).done
        assert (await answers.decline(people["KR-YK2"], "KR-YK2")).done  # the seat goes to KR-YK3 as an offer
    page = (await client.get("/console/trainings/YK-1")).text
    assert [count_of(page, s) for s in ("confirmed", "asked", "declined", "unasked")] == [1, 0, 1, 0]
    offer = re.search(r'<li data-offer="KR-YK3">(.*?)</li>', page, re.S)
    assert offer is not None and "Perajin YK 3" in offer.group(1)
    until = clock.now + timedelta(hours=24)  # 24 h from now, in the training's zone (WIB)
    assert (until + timedelta(hours=7)).strftime("%H.%M") in offer.group(1)
    assert state_of(page, "KR-YK1") == "Akan datang"
    assert state_of(page, "KR-YK2") == "Tidak bisa datang"
    assert state_of(page, "KR-YK3").startswith("ditawari kursi sampai")
    assert (await registration(app, "KR-YK3")).status == "waitlisted"
    other = await client.get("/console/trainings/BL-1")  # another organizer's training: not found
    assert other.status_code == 404 and "KR-YK3" not in other.text


async def test_the_setting_is_a_field_of_the_form(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    page = await form_page(client)
    assert field_value(page.text, "confirm_days") == ""  # empty: 3 days
    created = await client.post("/console/trainings/new",
                                data={**FORM, "confirm_days": "5", "csrf": csrf_of(page.text)})
    assert created.status_code == 303
    shown = await form_page(client, "/console/trainings/YK-BARU/edit")
    assert field_value(shown.text, "confirm_days") == "5"
    refused = await client.post("/console/trainings/new", data={
        **FORM, "code": "YK-LAIN", "confirm_days": "99", "csrf": csrf_of(page.text)})
    assert refused.status_code == 422 and has_error(refused.text, "confirm_days")
    async with app.sessionmaker() as session:
        days = dict((await session.execute(select(Training.code, Training.confirm_days))).all())
    assert days["YK-BARU"] == 5 and "YK-LAIN" not in days
    trainings_page = (await client.get("/console/trainings/YK-BARU")).text
    assert "5 hari sebelum mulai" in trainings_page


async def test_the_importer_reads_the_optional_column(app: App) -> None:
    row = {"code": "IMP-1", "title": "Tenun ikat", "craft": "tenun", "organizer": "Dinas", "province": "Bali",
           "regency": "Kabupaten Gianyar", "venue": "Balai", "mode": "offline", "starts_at": "2026-12-20 09:00",
           "ends_at": "2026-12-20 15:00", "fee": "0", "contact": "0361", "description": "Praktik."}
    async with app.sessionmaker() as session, session.begin():
        report = await import_rows(session, [(2, {**row, "confirm_days": "0"}), (3, {**row, "code": "IMP-2"}),
                                             (4, {**row, "code": "IMP-3", "confirm_days": "dua"})])
    assert [e.line for e in report.errors] == [4]
    async with app.sessionmaker() as session:
        days = dict((await session.execute(select(Training.code, Training.confirm_days))).all())
    assert days["IMP-1"] == 0 and days["IMP-2"] is None and "IMP-3" not in days
