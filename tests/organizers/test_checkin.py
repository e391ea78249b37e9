"""Check-in through the API: once per registration and local day of the training, failed scans kept with the
reason, retries of one scan recorded once, a multi-day training's attendance sheet with a column per day."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bot.app import App
from db.models import CheckIn, CheckInAttempt, Organizer, Registration, Training
from tests.conftest import Clock
from tests.organizers.conftest import World, api_token

DAY_ONE = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09.00 WITA in Bali


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def scan(client: httpx.AsyncClient, token: str, ticket: str, code: str = "YK-1",
               **extra: Any) -> httpx.Response:
    return await client.post(f"/api/v1/trainings/{code}/checkins", json={"ticket": ticket, **extra},
                             headers=bearer(token))


async def attempts(app: App) -> list[tuple[str, str, str]]:
    async with app.sessionmaker() as session:
        rows = (await session.execute(select(Training.code, CheckInAttempt.ticket, CheckInAttempt.reason)
                                      .join(Training, Training.id == CheckInAttempt.training_id)
                                      .order_by(CheckInAttempt.id))).tuples().all()
    return list(rows)


async def count_checkins(app: App) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(CheckIn)) or 0)


@pytest.fixture
async def bali(app: App, world: World) -> str:
    return await two_day_training(app, world)


async def two_day_training(app: App, world: World) -> str:
    """A two-day training of office two in Gianyar (WITA): 23 November 09.00 to 24 November 17.00, one seat taken."""
    async with app.sessionmaker() as session, session.begin():
        organizer = await session.scalar(select(Organizer).where(Organizer.id == world.two.organizer_id))
        assert organizer is not None
        item = Training(code="BL-DUA", title="Tenun dua hari", craft="tenun", organizer_id=organizer.id,
                        province="51", regency="51.04", venue="Balai", mode="offline", starts_at=DAY_ONE,
                        ends_at=DAY_ONE + timedelta(days=1, hours=8), quota=5, fee=0, contact="0361",
                        description="Dua hari.")
        session.add(item)
        await session.flush()
        person = await session.scalar(select(Registration.artisan_id).where(Registration.code == "KR-BL1"))
        session.add(Registration(code="KR-BLD1", training_id=item.id, artisan_id=person, status="registered"))
    return "BL-DUA"


async def test_a_ticket_checks_in_once_and_the_second_scan_says_when_the_first_was(
        app: App, world: World, client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(days=7, minutes=12)  # YK-1's day, 10.12 WIB
    token = await api_token(app, world.one.emails["checkin"])
    first = await scan(client, token, " kr-yk1 ")
    assert first.status_code == 201
    assert first.json()["ticket"] == "KR-YK1" and first.json()["day"] == "2026-11-30"
    assert first.json()["checked_in_at"] == "2026-11-30T10:12:00+07:00"
    clock.advance(minutes=45)
    again = await scan(client, token, "KR-YK1")
    assert again.status_code == 409
    assert again.json()["reason"] == "already" and again.json()["checked_in_at"] == "2026-11-30T10:12:00+07:00"
    assert again.json()["errors"][0]["field"] == "ticket"
    assert await count_checkins(app) == 1
    assert await attempts(app) == [("YK-1", "KR-YK1", "already")]


async def test_refused_scans_are_kept_with_their_reason(app: App, world: World, client: httpx.AsyncClient,
                                                       clock: Clock) -> None:
    clock.advance(days=7)
    token = await api_token(app, world.one.emails["staff"])
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Registration).where(Registration.code == "KR-YK2").values(status="cancelled"))
    answers = {ticket: await scan(client, token, ticket) for ticket in ("KR-NOPE1", "KR-BL1", "KR-YK2", "KR-YK3")}
    assert {t: a.status_code for t, a in answers.items()} == {"KR-NOPE1": 404, "KR-BL1": 404, "KR-YK2": 422,
                                                              "KR-YK3": 422}
    # another organizer's ticket is as unknown as no ticket: nothing of office two shows
    assert answers["KR-BL1"].json()["reason"] == "unknown" and answers["KR-BL1"].json()["registration"] is None
    assert answers["KR-YK3"].json()["registration"]["name"] == "Perajin YK 3"
    other = await scan(client, token, "KR-YK1", code="YK-2")  # the organizer's own other training
    assert other.status_code == 404 and other.json()["reason"] == "other_training"
    assert await attempts(app) == [("YK-1", "KR-NOPE1", "unknown"), ("YK-1", "KR-BL1", "unknown"),
                                   ("YK-1", "KR-YK2", "cancelled"), ("YK-1", "KR-YK3", "waitlisted"),
                                   ("YK-2", "KR-YK1", "other_training")]
    assert await count_checkins(app) == 0


async def test_a_scan_on_a_day_outside_the_training_is_not_today(app: App, world: World,
                                                                 client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["checkin"])  # the clock is a week before YK-1
    answer = await scan(client, token, "KR-YK1")
    assert answer.status_code == 422 and answer.json()["reason"] == "not_today"
    assert await attempts(app) == [("YK-1", "KR-YK1", "not_today")] and await count_checkins(app) == 0


async def test_a_multi_day_training_checks_in_once_per_local_day(app: App, world: World, bali: str,
                                                                 client: httpx.AsyncClient, clock: Clock) -> None:
    token = await api_token(app, world.two.emails["checkin"])
    clock.now = DAY_ONE - timedelta(hours=2)  # 07.00 WITA on the first day, before the start: still that day
    assert (await scan(client, token, "KR-BLD1", bali)).status_code == 201
    assert (await scan(client, token, "KR-BLD1", bali)).status_code == 409
    clock.now = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # 00.30 WITA on the 24th (the 23rd in UTC)
    second = await scan(client, token, "KR-BLD1", bali)
    assert second.status_code == 201 and second.json()["day"] == "2026-11-24"
    clock.now = datetime(2026, 11, 24, 16, 30, tzinfo=UTC)  # 00.30 WITA on the 25th: the training is over
    late = await scan(client, token, "KR-BLD1", bali)
    assert late.status_code == 422 and late.json()["reason"] == "not_today"
    assert await count_checkins(app) == 2
    assert [reason for *_, reason in await attempts(app)] == ["already", "not_today"]
    sheet = load_workbook(io.BytesIO((await client.get(f"/api/v1/trainings/{bali}/attendance.xlsx",
                                                      headers=bearer(token))).content)).active
    assert sheet is not None
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert header[6:] == ["Waktu hadir 2026-11-23", "Waktu hadir 2026-11-24"]
    assert row[0] == "KR-BLD1" and row[6:] == ["2026-11-23 07:00 WITA", "2026-11-24 00:30 WITA"]


async def test_a_retried_scan_is_recorded_once(app: App, world: World, client: httpx.AsyncClient,
                                               clock: Clock) -> None:
    clock.advance(days=7)
    token = await api_token(app, world.one.emails["checkin"])
    first = await scan(client, token, "KR-YK1", client_id="c1-abc")
    again = await scan(client, token, "KR-YK1", client_id="c1-abc")  # the answer was lost: the page sends again
    assert first.status_code == again.status_code == 201
    assert again.json()["replayed"] is True and again.json()["checked_in_at"] == first.json()["checked_in_at"]
    refused = [await scan(client, token, "KR-YK3", client_id="c2-abc") for _ in range(2)]
    assert [a.json()["reason"] for a in refused] == ["waitlisted", "waitlisted"]
    assert await count_checkins(app) == 1 and await attempts(app) == [("YK-1", "KR-YK3", "waitlisted")]


async def test_a_queued_scan_keeps_its_own_time_when_plausible(app: App, world: World, client: httpx.AsyncClient,
                                                               clock: Clock) -> None:
    clock.advance(days=7, hours=3)  # 13.00 WIB; the phone scanned at 09.40 and was offline since
    token = await api_token(app, world.one.emails["checkin"])
    queued = await scan(client, token, "KR-YK1", scanned_at="2026-11-30T09:40:00+07:00")
    assert queued.status_code == 201 and queued.json()["checked_in_at"] == "2026-11-30T09:40:00+07:00"
    future = await scan(client, token, "KR-YK2", scanned_at="2026-12-30T09:40:00+07:00")  # not believed: now
    assert future.status_code == 201 and future.json()["checked_in_at"] == "2026-11-30T13:00:00+07:00"
    bad = await scan(client, token, "KR-YK2", scanned_at="kemarin")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "scanned_at"


async def test_another_organizers_training_is_404_and_records_nothing(app: App, world: World, bali: str,
                                                                      client: httpx.AsyncClient, clock: Clock) -> None:
    clock.now = DAY_ONE
    token = await api_token(app, world.one.emails["admin"])
    answer = await scan(client, token, "KR-BLD1", bali)
    assert answer.status_code == 404 and "reason" not in answer.json()
    assert await attempts(app) == [] and await count_checkins(app) == 0


@pytest.mark.parametrize("role, status", [("viewer", 403), ("checkin", 201), ("staff", 201), ("admin", 201)])
async def test_who_may_check_in(app: App, world: World, client: httpx.AsyncClient, clock: Clock,
                                role: str, status: int) -> None:
    clock.advance(days=7)
    token = await api_token(app, world.one.emails[role])
    assert (await scan(client, token, "KR-YK1")).status_code == status


async def test_scans_of_one_ticket_at_the_same_moment_check_in_once(app: App, world: World,
                                                                    client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(days=7)
    tokens = [await api_token(app, world.one.emails[role]) for role in ("checkin", "staff", "admin", "checkin")]
    answers = await asyncio.gather(*(scan(client, token, "KR-YK1", client_id=f"door-{n}")
                                     for n, token in enumerate(tokens)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    assert await count_checkins(app) == 1 and [r for *_, r in await attempts(app)] == ["already"] * 3
