"""The console's check-in page over HTTP: who reaches it, its JSON scan endpoint (session + CSRF header), the
picker with today's trainings first, and the printable attendance sheet."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App
from db.models import CheckIn, CheckInAttempt
from tests.conftest import Clock
from tests.organizers.conftest import World, sign_in
from tests.organizers.test_checkin import DAY_ONE, two_day_training

CONFIG_RE = re.compile(r'<script type="application/json" id="checkin-config">(.*?)</script>', re.S)


def config_of(html: str) -> dict[str, object]:
    found = CONFIG_RE.search(html)
    assert found, "no configuration in the page"
    return dict(json.loads(found.group(1)))


async def counts(app: App) -> tuple[int, int]:
    async with app.sessionmaker() as session:
        return (int(await session.scalar(select(func.count()).select_from(CheckIn)) or 0),
                int(await session.scalar(select(func.count()).select_from(CheckInAttempt)) or 0))


async def test_the_checkin_role_scans_from_the_page(app: App, world: World, client: httpx.AsyncClient,
                                                    clock: Clock) -> None:
    clock.advance(days=7)
    await sign_in(client, world.one.emails["checkin"])
    picker = await client.get("/console/checkin")
    assert picker.status_code == 200
    assert picker.text.index("/console/trainings/YK-1/checkin") < picker.text.index("/console/trainings/YK-2/checkin")
    assert "YK-OLD" not in picker.text and "BL-1" not in picker.text
    page = await client.get("/console/trainings/YK-1/checkin")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    config = config_of(page.text)
    people = config["people"]
    assert isinstance(people, list) and {p["ticket"] for p in people} == {"KR-YK1", "KR-YK2", "KR-YK3"}
    assert set(people[0]) == {"ticket", "name", "status", "at"}  # no phone, no place: only what the search needs
    headers = {"X-CSRF-Token": str(config["csrf"])}
    first = await client.post(str(config["post"]), json={"ticket": "KR-YK2", "client_id": "tab-1"}, headers=headers)
    assert first.status_code == 201 and first.json()["checked_in_at"].startswith("2026-11-30T10:00")
    again = await client.post(str(config["post"]), json={"ticket": "kr-yk2", "client_id": "tab-2"}, headers=headers)
    assert again.status_code == 409 and again.json()["checked_in_at"] == first.json()["checked_in_at"]
    assert await counts(app) == (1, 1)
    shown = config_of((await client.get("/console/trainings/YK-1/checkin")).text)["people"]
    assert isinstance(shown, list) and {p["ticket"]: p["at"] for p in shown}["KR-YK2"] == "10:00"
    script = await client.get("/console/static/checkin.js")
    assert script.status_code == 200 and "localStorage" in script.text and "BarcodeDetector" in script.text


async def test_a_scan_without_the_csrf_token_or_the_session_records_nothing(
        app: App, world: World, client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(days=7)
    signed_out = await client.post("/console/trainings/YK-1/checkin", json={"ticket": "KR-YK1"})
    assert signed_out.status_code == 401 and signed_out.json()["reason"] == "signed_out"
    await sign_in(client, world.one.emails["staff"])
    forged = await client.post("/console/trainings/YK-1/checkin", json={"ticket": "KR-YK1"},
                               headers={"X-CSRF-Token": "forged"})
    assert forged.status_code == 403 and forged.json()["reason"] == "csrf"
    assert await counts(app) == (0, 0)


@pytest.mark.parametrize("role, status", [("viewer", 403), ("checkin", 200), ("staff", 200), ("admin", 200)])
async def test_who_reaches_the_page(world: World, client: httpx.AsyncClient, role: str, status: int) -> None:
    await sign_in(client, world.one.emails[role])
    assert (await client.get("/console/trainings/YK-1/checkin")).status_code == status
    assert (await client.get("/console/checkin")).status_code == status


async def test_another_organizers_training_is_not_found(app: App, world: World, client: httpx.AsyncClient,
                                                        clock: Clock) -> None:
    clock.advance(days=7)
    await sign_in(client, world.one.emails["admin"])
    assert (await client.get("/console/trainings/BL-1/checkin")).status_code == 404
    assert (await client.get("/console/trainings/BL-1/attendance")).status_code == 404
    config = config_of((await client.get("/console/trainings/YK-1/checkin")).text)
    foreign = await client.post("/console/trainings/BL-1/checkin", json={"ticket": "KR-BL1"},
                                headers={"X-CSRF-Token": str(config["csrf"])})
    assert foreign.status_code == 404 and await counts(app) == (0, 0)


async def test_the_printable_sheet_has_every_seated_person_and_a_column_per_day(
        app: App, world: World, client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(days=7, minutes=5)
    await sign_in(client, world.one.emails["checkin"])
    config = config_of((await client.get("/console/trainings/YK-1/checkin")).text)
    await client.post(str(config["post"]), json={"ticket": "KR-YK1"}, headers={"X-CSRF-Token": str(config["csrf"])})
    sheet = await client.get("/console/trainings/YK-1/attendance")
    assert sheet.status_code == 200 and "@media print" in sheet.text
    assert "Perajin YK 1" in sheet.text and "KR-YK2" in sheet.text and "KR-YK3" not in sheet.text  # seated only
    assert sheet.text.count('class="day"') == 1 + 2 and "30/11/2026" in sheet.text  # header + one per person
    assert ">10:05<" in sheet.text and sheet.text.count('class="box"') == 1


async def test_the_page_and_its_script_texts_follow_the_console_language(world: World,
                                                                         client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["checkin"])
    indonesian = config_of((await client.get("/console/trainings/YK-1/checkin")).text)["texts"]
    await client.get("/console/lang?to=en&next=/console/")
    page = await client.get("/console/trainings/YK-1/checkin")
    english = config_of(page.text)["texts"]
    assert isinstance(english, dict) and isinstance(indonesian, dict) and set(english) == set(indonesian)
    assert english["check_in"] == "Check in" and indonesian["check_in"] == "Catat hadir"
    assert english["reason_not_today"] != indonesian["reason_not_today"]
    assert "Today is not a day of this training" in page.text  # the clock is a week before YK-1


async def test_a_two_day_training_prints_a_column_per_day_in_its_own_zone(
        app: App, world: World, client: httpx.AsyncClient, clock: Clock) -> None:
    bali = await two_day_training(app, world)
    clock.now = DAY_ONE  # 09.00 WITA on the first day
    await sign_in(client, world.two.emails["checkin"])
    page = await client.get(f"/console/trainings/{bali}/checkin")
    assert "Hari ke-1 dari 2" in page.text
    config = config_of(page.text)
    headers = {"X-CSRF-Token": str(config["csrf"])}
    assert (await client.post(str(config["post"]), json={"ticket": "KR-BLD1"}, headers=headers)).status_code == 201
    clock.advance(days=1, minutes=30)
    await sign_in(client, world.two.emails["checkin"])  # a session lasts 12 hours
    assert "Hari ke-2 dari 2" in (await client.get(f"/console/trainings/{bali}/checkin")).text
    sheet = (await client.get(f"/console/trainings/{bali}/attendance")).text
    assert "23/11/2026" in sheet and "24/11/2026" in sheet and ">09:00<" in sheet
    assert sheet.count('class="box"') == 1  # the second day: not yet come, a box to sign
