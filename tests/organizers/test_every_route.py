"""Every route of the organizers' side, found in the web app itself (a new route is tried without being listed):
signed out → sign-in page, no token → 401, another organizer's training → 404, nothing changed."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from starlette.routing import Route

from bot.app import App
from bot.web import create_web_app
from db.models import Training
from tests.organizers.conftest import World, api_token, csrf_of, sign_in

OPEN = {"/console", "/console/login", "/console/lang", "/console/link/{token}", "/api/v1/openapi.json"}


def organizer_routes(app: App) -> list[tuple[str, str]]:
    """(method, path) of every console and API route."""
    found = []
    for route in create_web_app(app, run_background=False).routes:
        if isinstance(route, Route) and route.path.startswith(("/console", "/api/v1")):
            found += [(method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"]
    return found


async def titles(app: App) -> dict[str, str]:
    async with app.sessionmaker() as session:
        return dict((await session.execute(select(Training.code, Training.title))).tuples().all())


async def test_there_are_routes_to_try(app: App) -> None:
    assert len([r for r in organizer_routes(app) if r[1] not in OPEN]) >= 8


async def test_signed_out_or_without_a_token_nothing_opens(app: App, world: World, client: httpx.AsyncClient) -> None:
    before = await titles(app)
    for method, path in organizer_routes(app):
        if path in OPEN:
            continue
        answer = await client.request(method, path.format(code="YK-1", registration="KR-YK1"), json={"title": "x"} if
                                      path.startswith("/api/") and method != "GET" else None)
        if path.startswith("/console"):
            assert answer.status_code == 303, (method, path)
            assert answer.headers["location"].startswith("/console/login"), (method, path)
        else:
            assert answer.status_code == 401, (method, path)
    assert await titles(app) == before


async def test_another_organizers_training_is_404_on_every_route(app: App, world: World,
                                                                 client: httpx.AsyncClient) -> None:
    before = await titles(app)
    token = await api_token(app, world.one.emails["admin"])
    await sign_in(client, world.one.emails["admin"])
    csrf = csrf_of((await client.get("/console/")).text)
    tried = 0
    for method, path in organizer_routes(app):
        if "{code}" not in path:
            continue
        url = path.format(code="BL-1", registration="KR-BL1")
        if path.startswith("/api/"):
            answer = await client.request(method, url, headers={"Authorization": f"Bearer {token}"},
                                          json={"title": "diambil alih"} if method != "GET" else None)
        else:
            answer = await client.request(method, url, data={"csrf": csrf} if method == "POST" else None,
                                          headers={"X-CSRF-Token": csrf})  # the check-in page's fetch sends it so
        assert answer.status_code == 404, (method, path, answer.status_code)
        tried += 1
    assert tried >= 4
    assert await titles(app) == before
