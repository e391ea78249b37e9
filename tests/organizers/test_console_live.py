"""The training page's live parts (GET /console/trainings/{code}/live): scoped like the page, 304 while nothing
changed, the new state after a confirmation, a decline, an offer, its expiry or its acceptance made through the chat
and the worker, and a cost that does not grow with the registrants."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import httpx
from sqlalchemy import event, select, update

from bot.app import App
from bot.services.registrations import Registrations
from db.models import Registration, Training
from tests.attendance import person, scheduler_pass
from tests.conftest import Chat, Clock
from tests.organizers.conftest import World, sign_in
from tests.organizers.test_console_attendance import count_of, state_of
from tests.organizers.test_console_registrants import registration, tell_by_chat

LIVE = "/console/trainings/YK-1/live"
STATES = ("confirmed", "asked", "declined", "unasked")


def config_of(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="live-config">(.*?)</script>', page, re.S)
    assert found, "no live config in the page"
    config = json.loads(found.group(1))
    assert isinstance(config, dict)
    return config


def registered_count(html: str) -> int:
    found = re.search(r'id="registrant-counts".*?<strong>(\d+)</strong>', html, re.S)
    assert found
    return int(found.group(1))


class Poller:
    """The page's script, by hand: ask with the version last seen, keep the new one."""

    def __init__(self, client: httpx.AsyncClient, version: str) -> None:
        self.client, self.version = client, version

    async def ask(self) -> httpx.Response:
        answer = await self.client.get(LIVE, headers={"If-None-Match": self.version})
        if answer.status_code == 200:
            assert answer.headers["etag"] != self.version
            self.version = answer.headers["etag"]
        return answer

    async def changed(self) -> str:
        answer = await self.ask()
        assert answer.status_code == 200, answer.status_code
        assert (await self.ask()).status_code == 304  # and unchanged again at once
        return answer.text


async def opened(client: httpx.AsyncClient, world: World) -> Poller:
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get("/console/trainings/YK-1")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/console/static/live.js" defer></script>' in page.text
    config = config_of(page.text)
    assert config["url"] == LIVE
    poller = Poller(client, str(config["version"]))
    assert (await poller.ask()).status_code == 304  # the page is the state: nothing to fetch
    return poller


async def asked_by_the_worker(app: App, clock: Clock) -> dict[str, int]:
    """The three YK-1 registrants reachable on the console chat; the worker asks the two seated ones."""
    people = await tell_by_chat(app, "KR-YK1", "KR-YK2", "KR-YK3")
    async with app.sessionmaker() as session, session.begin():  # registered now (the test clock's), not later
        await session.execute(update(Registration).values(created_at=clock()))
        starts = (await session.execute(select(Training.starts_at).where(Training.code == "YK-1"))).scalar_one()
    clock.now = starts - timedelta(days=3) + timedelta(minutes=5)
    assert (await scheduler_pass(app))["confirm_asked"] == 2
    return people


async def test_signed_out_and_other_offices_are_refused(app: App, world: World, client: httpx.AsyncClient) -> None:
    signed_out = await client.get(LIVE)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/console/login")
    assert "KR-YK" not in signed_out.text
    assert (await client.get("/console/static/live.js")).status_code == 303
    poller = await opened(client, world)
    for headers in ({}, {"If-None-Match": poller.version}, {"If-None-Match": "*"}):
        other = await client.get("/console/trainings/BL-1/live", headers=headers)
        assert other.status_code == 404 and "KR-BL" not in other.text and "etag" not in other.headers
    own = await client.get(LIVE)
    assert own.status_code == 200 and "KR-YK1" in own.text and own.headers["etag"] == poller.version
    script = await client.get("/console/static/live.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    client.cookies.clear()
    await sign_in(client, world.two.emails["admin"])  # the other office, even with this office's version
    assert (await client.get(LIVE, headers={"If-None-Match": poller.version})).status_code == 404


async def test_the_parts_follow_the_chat_and_the_worker(app: App, world: World, client: httpx.AsyncClient,
                                                        clock: Clock) -> None:
    poller = await opened(client, world)
    await asked_by_the_worker(app, clock)
    await sign_in(client, world.one.emails["viewer"])  # (days later: a new session; the version is the state's)
    parts = await poller.changed()
    assert [count_of(parts, s) for s in STATES] == [0, 2, 0, 0]

    await Chat(app, user="c-KR-YK1").say("iya insyaallah dtg")
    parts = await poller.changed()
    assert [count_of(parts, s) for s in STATES] == [1, 1, 0, 0]
    assert state_of(parts, "KR-YK1") == "Akan datang"

    leaving = Chat(app, user="c-KR-YK2")
    await leaving.say("ga bisa kak ada acara")
    assert (await poller.ask()).status_code == 304  # asked once more first: nothing changed yet
    await leaving.say("iya")
    parts = await poller.changed()
    assert [count_of(parts, s) for s in STATES] == [1, 0, 1, 0]
    assert state_of(parts, "KR-YK2") == "Tidak bisa datang"
    assert re.search(r'<li data-offer="KR-YK3">', parts)  # the seat offered to the first waiting, at once
    assert state_of(parts, "KR-YK3").startswith("ditawari kursi sampai")

    clock.advance(hours=25)  # the offer (24 h) not taken: the worker expires it
    counts = await scheduler_pass(app)
    assert counts["offers_expired"] == 1
    await sign_in(client, world.one.emails["viewer"])
    parts = await poller.changed()
    assert "data-offer=" not in parts and state_of(parts, "KR-YK3") == "–"
    assert (await registration(app, "KR-YK3")).status == "waitlisted"


async def test_an_offer_taken_in_the_chat_shows_a_seat_taken(app: App, world: World, client: httpx.AsyncClient,
                                                             clock: Clock) -> None:
    poller = await opened(client, world)
    await asked_by_the_worker(app, clock)
    leaving = Chat(app, user="c-KR-YK2")
    await leaving.say("maaf berhalangan")
    await leaving.say("iya")
    await sign_in(client, world.one.emails["viewer"])
    parts = await poller.changed()
    assert 'data-offer="KR-YK3"' in parts and registered_count(parts) == 1
    await Chat(app, user="c-KR-YK3").say("ambil kak")
    parts = await poller.changed()
    assert "data-offer=" not in parts and registered_count(parts) == 2
    assert (await registration(app, "KR-YK3")).status == "registered"
    assert state_of(parts, "KR-YK3") == "Akan datang"


async def test_the_filters_and_the_language_are_part_of_the_version(world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get("/console/trainings/YK-1?status=waitlisted")
    config = config_of(page.text)
    assert config["url"] == f"{LIVE}?status=waitlisted"
    filtered = await client.get(str(config["url"]), headers={"If-None-Match": str(config["version"])})
    assert filtered.status_code == 304
    everyone = await client.get(LIVE, headers={"If-None-Match": str(config["version"])})
    assert everyone.status_code == 200 and "KR-YK1" in everyone.text  # not the filtered page's version
    filtered = await client.get(str(config["url"]))
    assert "KR-YK3" in filtered.text and "KR-YK1" not in filtered.text
    await client.get("/console/lang?to=en&next=/console/")
    english = await client.get(str(config["url"]), headers={"If-None-Match": str(config["version"])})
    assert english.status_code == 200 and 'data-label="Attendance"' in english.text


@contextmanager
def statements(app: App) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", count)


async def test_a_poll_costs_the_same_with_many_registrants(app: App, world: World, client: httpx.AsyncClient) -> None:
    poller = await opened(client, world)
    with statements(app) as unchanged:
        assert (await poller.ask()).status_code == 304
    with statements(app) as fetched:
        assert (await client.get(LIVE)).status_code == 200
    async with app.sessionmaker() as session:
        training_id = (await session.execute(select(Training.id).where(Training.code == "YK-1"))).scalar_one()
    for number in range(40):
        artisan_id = await person(app, f"Perajin tambahan {number}", f"extra-{number}")
        async with app.sessionmaker() as session, session.begin():
            await Registrations(session, app.clock(), app.settings.policy).register(artisan_id, training_id)
    assert (await poller.ask()).status_code == 200
    started = time.perf_counter()
    with statements(app) as unchanged_many:
        assert (await poller.ask()).status_code == 304
    unchanged_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    with statements(app) as fetched_many:
        answer = await client.get(LIVE)
    fetched_ms = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200 and answer.text.count("<tr>") == 1 + 43  # the header and every registrant
    assert len(unchanged_many) == len(unchanged) and len(fetched_many) == len(fetched)  # no query per person
    assert len(unchanged) < len(fetched)
    print(f"statements: 304 {len(unchanged)}, 200 {len(fetched)}; with 43 registrants 304 {unchanged_ms:.1f} ms, "
          f"200 {fetched_ms:.1f} ms, {len(answer.content)} bytes")
