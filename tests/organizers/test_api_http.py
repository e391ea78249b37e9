"""The API over real HTTP: bearer tokens, isolation (404), roles (403), 422 per field with nothing saved."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App
from db.models import AuditEvent, ChannelIdentity, CheckIn, OutboxMessage, Registration, Training
from tests.conftest import Clock
from tests.organizers.conftest import World, api_token

ROUTES_OF_A_TRAINING = (("GET", "/api/v1/trainings/{code}"), ("GET", "/api/v1/trainings/{code}/registrations"),
                        ("PATCH", "/api/v1/trainings/{code}"), ("POST", "/api/v1/trainings/{code}/checkins"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_training(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": "YK-NEW", "title": "Pelatihan pewarna alam", "craft": "batik", "province": "34",
        "regency": "34.02", "venue": "Balai Yogyakarta", "mode": "offline", "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-20T15:00", "quota": 20, "fee": 0, "contact": "0274 000",
        "description": "Pewarna alam untuk batik tulis.",
    }
    body.update(changes)
    return body


async def count_trainings(app: App) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count(Training.id))) or 0)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer kriya_wrong"},
                                     {"Authorization": "Basic dXNlcjpwYXNz"}])
async def test_a_missing_or_wrong_token_is_401(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    for path in ("/api/v1/trainings", "/api/v1/trainings/YK-1", "/api/v1/trainings/YK-1/registrations"):
        answer = await client.get(path, headers=headers)
        assert answer.status_code == 401 and answer.json()["errors"]
    assert (await client.post("/api/v1/trainings", json=new_training(), headers=headers)).status_code == 401


async def test_a_session_token_is_not_an_api_token(app: App, world: World, client: httpx.AsyncClient) -> None:
    from bot.organizers import accounts

    async with app.sessionmaker() as session, session.begin():
        account = await accounts.find_staff(session, world.one.emails["admin"])
        assert account is not None
        token, _row = await accounts.issue(session, account.id, "session", app.clock())
    assert (await client.get("/api/v1/trainings", headers=bearer(token))).status_code == 401


async def test_the_list_holds_only_this_organizers_trainings(app: App, world: World, client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["viewer"])
    answer = await client.get("/api/v1/trainings", headers=bearer(token))
    assert answer.status_code == 200
    items = answer.json()["items"]
    assert {item["code"] for item in items} == set(world.one.trainings)
    first = next(item for item in items if item["code"] == "YK-1")
    assert first["registered"] == 2 and first["seats_left"] == 0 and first["organizer"] == world.one.name
    assert first["starts_at"].endswith("+07:00")  # the province's own time


async def test_one_training_and_its_registrations(app: App, world: World, client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["checkin"])
    one = await client.get("/api/v1/trainings/yk-1", headers=bearer(token))
    assert one.status_code == 200 and one.json()["code"] == "YK-1"
    listed = await client.get("/api/v1/trainings/YK-1/registrations", headers=bearer(token))
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [(i["ticket"], i["status"]) for i in items] == [
        ("KR-YK1", "registered"), ("KR-YK2", "registered"), ("KR-YK3", "waitlisted")]
    assert set(items[0]) == {"id", "name", "phone", "regency", "craft", "status", "ticket", "checked_in_at"}


@pytest.mark.parametrize("route", ROUTES_OF_A_TRAINING)
@pytest.mark.parametrize("code", ["BL-1", "BL-OLD", "NOPE-1"])
async def test_another_organizers_training_is_404(app: App, world: World, client: httpx.AsyncClient,
                                                  route: str, code: str) -> None:
    token = await api_token(app, world.one.emails["admin"])
    method, path = route
    answer = await client.request(method, path.format(code=code), headers=bearer(token),
                                  json={"title": "diambil alih", "ticket": "KR-BL1"} if method != "GET" else None)
    assert answer.status_code == 404 and "BL" not in answer.text
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).where(Training.title == "diambil alih")) == 0


@pytest.mark.parametrize("role", ["viewer", "checkin"])
async def test_a_role_without_the_right_is_403(app: App, world: World, client: httpx.AsyncClient, role: str) -> None:
    token = await api_token(app, world.one.emails[role])
    answer = await client.post("/api/v1/trainings", json=new_training(), headers=bearer(token))
    assert answer.status_code == 403
    assert await count_trainings(app) == 6
    changed = await client.patch("/api/v1/trainings/YK-1", json={"title": "diubah"}, headers=bearer(token))
    assert changed.status_code == 403
    assert (await client.get("/api/v1/trainings/YK-1", headers=bearer(token))).json()["title"] != "diubah"


async def test_create_a_training_for_the_tokens_own_organizer(app: App, world: World, client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["staff"])
    answer = await client.post("/api/v1/trainings", json=new_training(organizer="Disperindag Bali"),
                               headers=bearer(token))
    assert answer.status_code == 201
    assert answer.json()["code"] == "YK-NEW" and answer.json()["organizer"] == world.one.name
    async with app.sessionmaker() as session:
        created = (await session.execute(select(Training).where(Training.code == "YK-NEW"))).scalar_one()
        assert created.organizer_id == world.one.organizer_id
        assert await session.scalar(select(AuditEvent.action).where(AuditEvent.target == "YK-NEW")) == \
            "training_created"
    again = await client.post("/api/v1/trainings", json=new_training(), headers=bearer(token))
    assert again.status_code == 409
    other = await api_token(app, world.two.emails["staff"])
    taken = await client.post("/api/v1/trainings", json=new_training(code="YK-1"), headers=bearer(other))
    assert taken.status_code == 409
    assert (await client.get("/api/v1/trainings/YK-NEW", headers=bearer(other))).status_code == 404


@pytest.mark.parametrize("body, fields", [
    (new_training(craft="plastik"), {"craft"}),
    (new_training(title="", mode="boat"), {"title", "mode"}),
    (new_training(ends_at="2026-12-19T09:00"), {None}),
    (new_training(quota=-3, fee="gratis"), {"quota", "fee"}),
    (new_training(colour="red"), {"colour"}),
    ([1, 2], {None}),
    ("not json at all", {None}),
])
async def test_bad_input_is_422_per_field_and_nothing_is_saved(app: App, world: World, client: httpx.AsyncClient,
                                                               body: Any, fields: set[str | None]) -> None:
    token = await api_token(app, world.one.emails["admin"])
    content = body if isinstance(body, str) else None
    answer = await client.post("/api/v1/trainings", headers={**bearer(token), "Content-Type": "application/json"},
                               content=content, json=None if content else body)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    if fields != {None}:
        assert {e["field"] for e in errors} >= fields
    assert await count_trainings(app) == 6


async def test_the_openapi_document_describes_the_routes(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/trainings", "/trainings/{code}", "/trainings/{code}/registrations",
                                      "/trainings/{code}/checkins", "/trainings/{code}/attendance.xlsx"}
    assert set(document["paths"]["/trainings"]) == {"get", "post"}


async def test_patch_changes_some_fields_and_keeps_the_rest(app: App, world: World, client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["staff"])
    before = (await client.get("/api/v1/trainings/YK-2", headers=bearer(token))).json()
    answer = await client.patch("/api/v1/trainings/yk-2", json={"title": "Judul baru", "quota": None},
                                headers=bearer(token))
    assert answer.status_code == 200
    after = answer.json()
    assert after["title"] == "Judul baru" and after["quota"] is None
    assert {k: v for k, v in after.items() if k not in ("title", "quota", "seats_left")} == \
        {k: v for k, v in before.items() if k not in ("title", "quota", "seats_left")}
    async with app.sessionmaker() as session:
        assert await session.scalar(select(AuditEvent.action).where(AuditEvent.target == "YK-2")) == \
            "training_changed"


@pytest.mark.parametrize("changes", [{"quota": -1, "title": "setengah"}, {"craft": "plastik", "title": "setengah"},
                                     {"code": "YK-99", "title": "setengah"}, {"ends_at": "2026-11-01T10:00",
                                                                               "title": "setengah"}])
async def test_a_bad_patch_is_422_and_changes_nothing(app: App, world: World, client: httpx.AsyncClient,
                                                     changes: dict[str, Any]) -> None:
    token = await api_token(app, world.one.emails["admin"])
    answer = await client.patch("/api/v1/trainings/YK-1", json=changes, headers=bearer(token))
    assert answer.status_code == 422 and answer.json()["errors"]
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).where(Training.title == "setengah")) == 0


async def test_moving_and_cancelling_tell_the_registrants(app: App, world: World, client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():
        people = (await session.execute(
            select(Registration.artisan_id).join(Training).where(Training.code == "YK-1"))).scalars().all()
        for number, artisan_id in enumerate(people):
            session.add(ChannelIdentity(artisan_id=artisan_id, channel="console", external_id=f"yk-{number}"))
    token = await api_token(app, world.one.emails["staff"])
    moved = await client.patch("/api/v1/trainings/YK-1", json={"starts_at": "2026-12-05T09:00",
                                                                "ends_at": "2026-12-05T15:00"}, headers=bearer(token))
    assert moved.status_code == 200 and moved.json()["starts_at"] == "2026-12-05T09:00:00+07:00"
    cancelled = await client.patch("/api/v1/trainings/YK-1", json={"status": "cancelled"}, headers=bearer(token))
    assert cancelled.status_code == 200
    async with app.sessionmaker() as session:
        statuses = set((await session.execute(
            select(Registration.status).join(Training).where(Training.code == "YK-1"))).scalars())
        notices = (await session.execute(select(OutboxMessage.dedupe_key))).scalars().all()
    assert statuses == {"cancelled"}
    assert sum(key.startswith("moved:") for key in notices) == 3
    assert sum(key.startswith("cancelled:") for key in notices) == 3


async def test_check_in_by_ticket_once(app: App, world: World, client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(days=7)  # the training's day
    token = await api_token(app, world.one.emails["checkin"])
    first = await client.post("/api/v1/trainings/YK-1/checkins", json={"ticket": "kr-yk1"}, headers=bearer(token))
    assert first.status_code == 201
    assert first.json()["ticket"] == "KR-YK1" and first.json()["checked_in_at"]
    again = await client.post("/api/v1/trainings/YK-1/checkins", json={"ticket": "KR-YK1"}, headers=bearer(token))
    assert again.status_code == 409
    listed = (await client.get("/api/v1/trainings/YK-1/registrations", headers=bearer(token))).json()["items"]
    assert [bool(item["checked_in_at"]) for item in listed] == [True, False, False]
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(CheckIn)) == 1
        assert await session.scalar(select(AuditEvent.action).where(AuditEvent.target == "KR-YK1")) == "checkin"


@pytest.mark.parametrize("body, status", [
    ({"ticket": "KR-BL1"}, 404),  # another organizer's (so another training's) ticket
    ({"ticket": "KR-NONE99"}, 404),
    ({"ticket": "KR-YK3"}, 422),  # on the waitlist: no seat to check in to
    ({}, 422),
    ({"ticket": 12}, 422),
])
async def test_a_check_in_that_cannot_be(app: App, world: World, client: httpx.AsyncClient, clock: Clock,
                                        body: dict[str, Any], status: int) -> None:
    clock.advance(days=7)
    token = await api_token(app, world.one.emails["staff"])
    answer = await client.post("/api/v1/trainings/YK-1/checkins", json=body, headers=bearer(token))
    assert answer.status_code == status and answer.json()["errors"]
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(CheckIn)) == 0


async def test_a_ticket_of_another_training_of_the_same_organizer_is_404(app: App, world: World,
                                                                        client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["admin"])
    answer = await client.post("/api/v1/trainings/YK-2/checkins", json={"ticket": "KR-YK1"}, headers=bearer(token))
    assert answer.status_code == 404


async def test_a_viewer_cannot_check_in(app: App, world: World, client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["viewer"])
    answer = await client.post("/api/v1/trainings/YK-1/checkins", json={"ticket": "KR-YK1"}, headers=bearer(token))
    assert answer.status_code == 403


async def test_registrations_can_be_filtered(app: App, world: World, client: httpx.AsyncClient) -> None:
    token = await api_token(app, world.one.emails["viewer"])
    path = "/api/v1/trainings/YK-1/registrations"
    waiting = (await client.get(path, params={"status": "waitlisted"}, headers=bearer(token))).json()["items"]
    assert [item["ticket"] for item in waiting] == ["KR-YK3"]
    batik = (await client.get(path, params={"craft": "batik", "regency": "34.02"}, headers=bearer(token))).json()
    assert len(batik["items"]) == 3
    assert (await client.get(path, params={"channel": "whatsapp"}, headers=bearer(token))).json()["items"] == []
    bad = await client.get(path, params={"status": "hadir"}, headers=bearer(token))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
