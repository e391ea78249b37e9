"""Two organizers with trainings, registrants and staff of every role, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import pytest

from bot.app import App
from bot.organizers import accounts
from bot.web import create_web_app
from db.models import Artisan, Organizer, Registration, Training
from tests.conftest import NOW

PASSWORD = "kata-sandi-rahasia-1"
PASSWORD_HASH = accounts.hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose


@dataclass
class Office:
    organizer_id: int
    name: str
    trainings: list[str] = field(default_factory=list)  # codes
    emails: dict[str, str] = field(default_factory=dict)  # role -> email


@dataclass
class World:
    one: Office
    two: Office


def training(code: str, organizer_id: int, days: int, quota: int | None = 2) -> Training:
    return Training(
        code=code, title=f"Pelatihan {code}", craft="batik", organizer_id=organizer_id, province="34",
        regency="34.02", venue="Balai", mode="offline", starts_at=NOW + timedelta(days=days),
        ends_at=NOW + timedelta(days=days, hours=6), quota=quota, fee=0, contact="0274 000",
        description="Pelatihan untuk perajin.",
    )


async def make_office(app: App, key: str, name: str, prefix: str) -> Office:
    async with app.sessionmaker() as session, session.begin():
        organizer = Organizer(key=key, name=name)
        session.add(organizer)
        await session.flush()
        office = Office(organizer.id, name)
        for number, days in enumerate((7, 14), 1):
            item = training(f"{prefix}-{number}", organizer.id, days)
            session.add(item)
            office.trainings.append(item.code)
        past = training(f"{prefix}-OLD", organizer.id, -30)
        session.add(past)
        office.trainings.append(past.code)
        await session.flush()
        first = (await session.execute(
            Training.__table__.select().where(Training.code == f"{prefix}-1"))).first()
        assert first is not None
        for number, status in enumerate(("registered", "registered", "waitlisted"), 1):
            person = Artisan(full_name=f"Perajin {prefix} {number}", phone=f"62812{number:07d}", regency="34.02",
                             crafts=["batik"])
            session.add(person)
            await session.flush()
            session.add(Registration(code=f"KR-{prefix}{number}", training_id=first.id, artisan_id=person.id,
                                     status=status))
        for role in accounts.ROLES:
            email = f"{role}@{key}.example"
            account = await accounts.add_staff(session, email, name, role, None)
            account.password_hash = PASSWORD_HASH
            office.emails[role] = email
    return office


@pytest.fixture
async def world(app: App) -> World:
    return World(await make_office(app, "balai-yk", "BBSPJIKB Yogyakarta", "YK"),
                 await make_office(app, "dinas-bali", "Disperindag Bali", "BL"))


CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


@pytest.fixture
async def client(app: App, world: World) -> AsyncIterator[httpx.AsyncClient]:
    """Real HTTP to the web app (no background loops), the way `kriya serve` serves it."""
    web = create_web_app(app, run_background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://kriya.test") as http:
        yield http


async def sign_in(http: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    page = await http.get("/console/login")
    return await http.post("/console/login", data={"email": email, "password": password,
                                                   "csrf": csrf_of(page.text)})


async def api_token(app: App, email: str) -> str:
    async with app.sessionmaker() as session, session.begin():
        account = await accounts.find_staff(session, email)
        assert account is not None
        token, _row = await accounts.issue(session, account.id, "api", app.clock())
    return token
