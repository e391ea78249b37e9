"""The web console over real HTTP: sign-in, sessions, CSRF, the sign-in limit, isolation and roles."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from bot.organizers import accounts
from bot.organizers.console import SESSION_COOKIE, SIGN_IN_LIMIT_PER_ADDRESS, SIGN_IN_LIMIT_PER_EMAIL
from bot.web import create_web_app
from db.models import AuditEvent, ChannelIdentity, OutboxMessage, Registration, StaffCredential, Training
from tests.organizers.conftest import PASSWORD, World, csrf_of, sign_in

PAGES = ("/console/", "/console/trainings/YK-1", "/console/staff")


async def actions(app: App) -> list[str]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(AuditEvent.action).order_by(AuditEvent.id))).scalars())


async def test_the_sign_in_page_has_the_contracts_labels(client: httpx.AsyncClient) -> None:
    page = await client.get("/console/login")
    assert page.status_code == 200
    assert '<label for="email">Email</label>' in page.text
    assert '<label for="password">Kata sandi</label>' in page.text
    assert '<button type="submit">Masuk</button>' in page.text
    assert 'name="viewport"' in page.text


@pytest.mark.parametrize("path", PAGES)
async def test_signed_out_every_page_sends_to_the_sign_in_page(client: httpx.AsyncClient, path: str) -> None:
    answer = await client.get(path)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login?next=")


async def test_signed_out_sign_out_is_a_redirect_too(client: httpx.AsyncClient) -> None:
    answer = await client.post("/console/logout", data={"csrf": "x"})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")


async def test_sign_in_sets_a_signed_httponly_lax_cookie_and_shows_own_trainings(
        app: App, world: World, client: httpx.AsyncClient) -> None:
    answer = await sign_in(client, world.one.emails["viewer"])
    assert answer.status_code == 303 and answer.headers["location"] == "/console/"
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    token = client.cookies[SESSION_COOKIE]
    async with app.sessionmaker() as session:
        stored = list((await session.execute(select(StaffCredential.token_hash)
                                             .where(StaffCredential.kind == "session"))).scalars())
    assert len(stored) == 1 and token not in stored[0]
    page = await client.get("/console/")
    assert page.status_code == 200
    assert "/console/trainings/YK-1" in page.text and "/console/trainings/YK-2" in page.text
    assert "YK-OLD" not in page.text and "BL-" not in page.text
    assert (await actions(app))[-1] == "signin"


async def test_over_https_the_cookie_is_secure(app: App, world: World) -> None:
    web = create_web_app(app, run_background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="https://kriya.test") as http:
        answer = await sign_in(http, world.one.emails["viewer"])
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE + "="))
    assert "Secure" in cookie


async def test_a_training_page_lists_its_registrants_with_counts(world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get("/console/trainings/yk-1")
    assert page.status_code == 200
    for number in (1, 2, 3):
        assert f"Perajin YK {number}" in page.text
    assert "Bantul" in page.text  # the regency's name, not its code
    assert "<strong>2</strong> / 2" in page.text and "<strong>1</strong>" in page.text


@pytest.mark.parametrize("path", ["/console/trainings/BL-1", "/console/trainings/BL-OLD", "/console/trainings/NONE"])
async def test_another_organizers_training_answers_404(world: World, client: httpx.AsyncClient, path: str) -> None:
    await sign_in(client, world.one.emails["admin"])
    answer = await client.get(path)
    assert answer.status_code == 404 and "Perajin BL" not in answer.text


@pytest.mark.parametrize("role, status", [("admin", 200), ("staff", 403), ("checkin", 403), ("viewer", 403)])
async def test_the_staff_page_is_for_admins(world: World, client: httpx.AsyncClient, role: str, status: int) -> None:
    await sign_in(client, world.one.emails[role])
    answer = await client.get("/console/staff")
    assert answer.status_code == status
    if status == 200:
        assert world.one.emails["viewer"] in answer.text and world.two.emails["viewer"] not in answer.text


async def test_a_post_without_csrf_is_refused(app: App, world: World, client: httpx.AsyncClient) -> None:
    answer = await client.post("/console/login", data={"email": world.one.emails["admin"], "password": PASSWORD})
    assert answer.status_code == 403 and SESSION_COOKIE not in client.cookies
    await sign_in(client, world.one.emails["admin"])
    for data in ({}, {"csrf": "not-the-token"}):
        refused = await client.post("/console/logout", data=data)
        assert refused.status_code == 403
    assert (await client.get("/console/")).status_code == 200  # still signed in
    assert "signout" not in await actions(app)


async def test_sign_out_ends_the_session(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    cookie = client.cookies[SESSION_COOKIE]
    page = await client.get("/console/")
    answer = await client.post("/console/logout", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/login"
    client.cookies.set(SESSION_COOKIE, cookie)  # the old cookie, kept by someone: it no longer opens anything
    assert (await client.get("/console/")).status_code == 303
    assert (await actions(app))[-2:] == ["signin", "signout"]


async def test_a_forged_cookie_opens_nothing(world: World, client: httpx.AsyncClient) -> None:
    client.cookies.set(SESSION_COOKIE, "anything")
    assert (await client.get("/console/")).status_code == 303


async def test_a_wrong_password_fails_and_is_audited(app: App, world: World, client: httpx.AsyncClient) -> None:
    answer = await sign_in(client, world.one.emails["admin"], "salah-sekali-123")
    assert answer.status_code == 401 and SESSION_COOKIE not in client.cookies
    unknown = await sign_in(client, "nobody@nowhere.example", "salah-sekali-123")
    assert unknown.status_code == 401
    assert await actions(app) == ["signin_failed", "signin_failed"]


async def test_sign_in_attempts_are_limited_per_email(app: App, world: World, client: httpx.AsyncClient) -> None:
    email = world.one.emails["admin"]
    for _ in range(SIGN_IN_LIMIT_PER_EMAIL):
        assert (await sign_in(client, email, "salah-sekali-123")).status_code == 401
    limited = await sign_in(client, email)  # even the right password waits
    assert limited.status_code == 429 and SESSION_COOKIE not in client.cookies
    assert (await sign_in(client, world.one.emails["viewer"])).status_code == 303  # another email is not held up
    client.cookies.clear()
    app.clock.advance(minutes=16)  # type: ignore[attr-defined]
    assert (await sign_in(client, email)).status_code == 303


async def test_sign_in_attempts_are_limited_per_address(world: World, client: httpx.AsyncClient) -> None:
    for number in range(SIGN_IN_LIMIT_PER_ADDRESS):
        await sign_in(client, f"guess{number}@x.example", "salah-sekali-123")
    assert (await sign_in(client, world.one.emails["viewer"])).status_code == 429


async def test_next_never_leaves_the_console(world: World, client: httpx.AsyncClient) -> None:
    page = await client.get("/console/login?next=//evil.example/")
    assert "//evil" not in page.text
    answer = await client.post("/console/login", data={
        "email": world.one.emails["viewer"], "password": PASSWORD, "csrf": csrf_of(page.text),
        "next": "https://evil.example/"})
    assert answer.headers["location"] == "/console/"


async def test_english_is_available(world: World, client: httpx.AsyncClient) -> None:
    switched = await client.get("/console/lang?to=en&next=/console/login")
    assert switched.status_code == 303 and client.cookies["kriya_lang"] == "en"
    page = await client.get("/console/login")
    assert '<html lang="en">' in page.text


async def test_a_one_time_link_sets_a_password_and_signs_in(app: App, world: World, client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():
        account = await accounts.add_staff(session, "baru@balai-yk.example", "BBSPJIKB Yogyakarta", "staff", None)
        link, _row = await accounts.issue(session, account.id, "link", app.clock(), lifetime=accounts.LINK_LIFETIME)
    form = await client.get(f"/console/link/{link}")
    assert form.status_code == 200
    short = await client.post(f"/console/link/{link}", data={
        "csrf": csrf_of(form.text), "password": "pendek", "password_again": "pendek"})
    assert short.status_code == 422
    done = await client.post(f"/console/link/{link}", data={
        "csrf": csrf_of(short.text), "password": "sandi-baru-panjang", "password_again": "sandi-baru-panjang"})
    assert done.status_code == 303 and SESSION_COOKIE in client.cookies
    assert (await client.get("/console/")).status_code == 200
    assert (await client.get(f"/console/link/{link}")).status_code == 404  # once only
    client.cookies.clear()
    assert (await sign_in(client, "baru@balai-yk.example", "sandi-baru-panjang")).status_code == 303
    assert "password_set" in await actions(app)


async def test_a_session_ends_after_its_lifetime(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])
    assert (await client.get("/console/")).status_code == 200
    app.clock.advance(seconds=accounts.SESSION_LIFETIME.total_seconds() + 1)  # type: ignore[attr-defined]
    assert (await client.get("/console/")).status_code == 303


async def test_a_removed_account_is_signed_out_at_once(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    async with app.sessionmaker() as session, session.begin():
        assert await accounts.remove_staff(session, world.one.emails["staff"])
    assert (await client.get("/console/")).status_code == 303


async def test_an_old_link_opens_nothing(app: App, world: World, client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():
        account = await accounts.find_staff(session, world.one.emails["viewer"])
        assert account is not None
        link, _row = await accounts.issue(session, account.id, "link", app.clock(), lifetime=accounts.LINK_LIFETIME)
    app.clock.advance(seconds=accounts.LINK_LIFETIME.total_seconds() + 1)  # type: ignore[attr-defined]
    assert (await client.get(f"/console/link/{link}")).status_code == 404


async def test_every_page_renders_in_english(world: World, client: httpx.AsyncClient) -> None:
    await client.get("/console/lang?to=en")
    await sign_in(client, world.one.emails["admin"])
    for path in PAGES:
        page = await client.get(path)
        assert page.status_code == 200 and '<html lang="en">' in page.text, path


async def test_registrants_can_be_filtered(world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get("/console/trainings/YK-1?status=waitlisted")
    assert page.status_code == 200
    assert "Perajin YK 3" in page.text and "Perajin YK 1" not in page.text
    assert '<label for="filter-status">' in page.text
    none = await client.get("/console/trainings/YK-1?craft=tenun")
    assert "Perajin YK" not in none.text


async def statuses_of(app: App, code: str) -> tuple[str, set[str]]:
    async with app.sessionmaker() as session:
        training = (await session.execute(select(Training).where(Training.code == code))).scalar_one()
        found = set((await session.execute(
            select(Registration.status).where(Registration.training_id == training.id))).scalars())
    return training.status, found


async def test_staff_cancel_a_training_and_its_registrants_are_told(app: App, world: World,
                                                                   client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():
        people = (await session.execute(
            select(Registration.artisan_id).join(Training).where(Training.code == "YK-1"))).scalars().all()
        for number, artisan_id in enumerate(people):
            session.add(ChannelIdentity(artisan_id=artisan_id, channel="console", external_id=f"yk-{number}"))
    await sign_in(client, world.one.emails["staff"])
    confirm = await client.get("/console/trainings/YK-1/cancel")
    assert confirm.status_code == 200
    done = await client.post("/console/trainings/YK-1/cancel", data={"csrf": csrf_of(confirm.text)})
    assert done.status_code == 303 and done.headers["location"] == "/console/trainings/YK-1"
    assert await statuses_of(app, "YK-1") == ("cancelled", {"cancelled"})
    async with app.sessionmaker() as session:
        notices = (await session.execute(select(OutboxMessage.dedupe_key))).scalars().all()
    assert sum(key.startswith("cancelled:") for key in notices) == 3
    assert "training_cancelled" in await actions(app)


@pytest.mark.parametrize("role", ["viewer", "checkin"])
async def test_a_role_without_the_right_cannot_cancel(app: App, world: World, client: httpx.AsyncClient,
                                                     role: str) -> None:
    await sign_in(client, world.one.emails[role])
    assert (await client.get("/console/trainings/YK-1/cancel")).status_code == 403
    csrf = csrf_of((await client.get("/console/")).text)
    assert (await client.post("/console/trainings/YK-1/cancel", data={"csrf": csrf})).status_code == 403
    assert (await statuses_of(app, "YK-1"))[0] == "published"


async def test_cancelling_without_csrf_is_refused(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["admin"])
    assert (await client.post("/console/trainings/YK-1/cancel", data={})).status_code == 403
    assert (await statuses_of(app, "YK-1"))[0] == "published"


async def test_a_session_holds_across_web_processes(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])
    other = create_web_app(app, run_background=False)  # another `kriya serve` on the same database
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=other), base_url="http://kriya.test",
                                 cookies=client.cookies) as second:
        assert (await second.get("/console/")).status_code == 200
