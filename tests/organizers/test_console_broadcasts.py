"""The console's broadcasts over real HTTP: the preview's recipients and blockers, sending once, the delivery log
filled by the real outbox sending to the fake Telegram Bot API (a blocked person's 403, a 400), a delivery status
recorded the way the webhooks do, resending only the failed ones, the dashboard's failed sends, isolation, roles
and CSRF. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from bot.app import App, open_app
from bot.cli_broadcast import MAX_BROADCAST
from bot.outbox import DeliveryStatuses
from db.models import (
    Artisan,
    AuditEvent,
    Broadcast,
    ChannelIdentity,
    OutboxMessage,
    Registration,
    Reminder,
    Training,
)
from db.session import create_engine, upgrade
from tests.conftest import NOW, Clock
from tests.organizers.conftest import World, csrf_of, sign_in
from tests.telegram.conftest import telegram_settings
from tests.telegram.fake_bot_api import FakeBotApi

HIDDEN_RE = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
BLOCKED_CHAT, MISSING_CHAT, FINE_CHAT, OPTED_OUT_CHAT, GONE_CHAT = 9002, 9003, 9001, 9004, 9005
# The audience of the main test: weavers (tenun) of Central Java, written as people write it.
AUDIENCE = {"text": "Pameran tenun di Semarang, 5 Desember. Daftar lewat Kriya!", "craft": "tenun",
            "region": "jawa tengah", "training": "", "when": "now", "send_at": "", "zone": "WIB"}


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi("123:TEST")
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
async def app(database_url: str, clock: Clock, fake: FakeBotApi) -> AsyncIterator[App]:
    """The app with its Telegram channel talking to the fake Bot API (the outbox sends there for real)."""
    async with open_app(telegram_settings(database_url, fake), clock=clock, migrate=False,
                        with_channels=True) as opened:
        yield opened


async def person(app: App, name: str, *, craft: str = "tenun", regency: str = "33.74", channel: str | None = None,
                 external_id: str = "", opted_out: bool = False, last_inbound: timedelta | None = timedelta(hours=1),
                 unreachable: bool = False) -> int:
    async with app.sessionmaker() as session, session.begin():
        artisan = Artisan(full_name=name, crafts=[craft], province=regency.split(".")[0], regency=regency,
                          proactive_opt_out=opted_out)
        session.add(artisan)
        await session.flush()
        if channel:
            session.add(ChannelIdentity(artisan_id=artisan.id, channel=channel, external_id=external_id,
                                        last_inbound_at=NOW - last_inbound if last_inbound else None,
                                        unreachable_since=NOW - timedelta(days=3) if unreachable else None))
        return artisan.id


@pytest.fixture
async def people(app: App, world: World) -> dict[str, int]:
    """Weavers of Central Java: four reachable (three on Telegram, one on WhatsApp inside its window) and four
    blocked (STOP, outside WhatsApp's window, blocked the bot earlier, no channel); two outside the audience."""
    return {
        "fine": await person(app, "Sari Tenun", channel="telegram", external_id=str(FINE_CHAT)),
        "blocks": await person(app, "Budi Blokir", channel="telegram", external_id=str(BLOCKED_CHAT)),
        "missing": await person(app, "Citra Hilang", channel="telegram", external_id=str(MISSING_CHAT)),
        "whatsapp": await person(app, "Dewi WA", channel="whatsapp", external_id="6281100000001"),
        "stop": await person(app, "Eko Stop", channel="telegram", external_id=str(OPTED_OUT_CHAT), opted_out=True),
        "window": await person(app, "Fajar Lama", channel="whatsapp", external_id="6281100000002",
                               last_inbound=timedelta(days=2)),
        "gone": await person(app, "Gita Pergi", channel="telegram", external_id=str(GONE_CHAT), unreachable=True),
        "nochannel": await person(app, "Hadi Tanpa Kanal"),
        "bali": await person(app, "Made Bali", regency="51.03", channel="telegram", external_id="9010"),
        "batik": await person(app, "Ratna Batik", craft="batik", channel="telegram", external_id="9011"),
    }


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden fields of the preview's send form (the first form with a request key)."""
    form = page[page.index('action="/console/broadcasts"'):]
    form = form[:form.index("</form>")]
    return {name: html.unescape(value) for name, value in HIDDEN_RE.findall(form)}


def number(page: str, element_id: str) -> int:
    found = re.search(rf'id="{element_id}">(\d+)<', page)
    assert found, f"no #{element_id} in the page"
    return int(found.group(1))


async def preview(client: httpx.AsyncClient, **fields: str) -> httpx.Response:
    csrf = csrf_of((await client.get("/console/broadcasts/new")).text)
    return await client.post("/console/broadcasts/preview", data={**AUDIENCE, **fields, "csrf": csrf})


async def outbox(app: App) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def broadcasts(app: App) -> list[Broadcast]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(Broadcast).order_by(Broadcast.id))).scalars())


async def audited(app: App, action: str) -> list[AuditEvent]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(AuditEvent).where(AuditEvent.action == action))).scalars())


async def send(client: httpx.AsyncClient, **fields: str) -> tuple[httpx.Response, dict[str, str]]:
    page = await preview(client, **fields)
    assert page.status_code == 200, page.text
    form = hidden_fields(page.text)
    return await client.post("/console/broadcasts", data=form), form


async def test_the_preview_counts_recipients_and_each_blocker(app: App, people: dict[str, int],
                                                              client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.one.emails["staff"])
    page = await preview(client)
    assert page.status_code == 200
    assert number(page.text, "recipients") == 4
    assert (number(page.text, "opted-out"), number(page.text, "unreachable"), number(page.text, "outside-window")) \
        == (1, 2, 1)
    assert "Pameran tenun di Semarang" in page.text  # the sample of the message
    assert "Made Bali" not in page.text and "Ratna Batik" not in page.text
    assert await outbox(app) == [] and await broadcasts(app) == []  # a preview sends nothing


async def test_with_a_whatsapp_template_the_window_blocks_nobody(database_url: str, clock: Clock, fake: FakeBotApi,
                                                                 people: dict[str, int], world: World,
                                                                 client: httpx.AsyncClient, app: App) -> None:
    templates = {"broadcast": {"name": "kriya_broadcast", "params": ["text"]}}
    async with open_app(telegram_settings(database_url, fake, whatsapp_templates=templates), clock=clock,
                        migrate=False) as with_template:
        from bot.web import create_web_app

        web = create_web_app(with_template, run_background=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://kriya.test") as http:
            await sign_in(http, world.one.emails["staff"])
            page = await preview(http)
    assert (number(page.text, "recipients"), number(page.text, "outside-window")) == (5, 0)


async def test_a_training_audience_counts_deleted_registrants_as_unreachable(
        app: App, world: World, client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == "YK-1"))).scalar_one()
        session.add(Registration(code="KR-GONE", training_id=training.id, artisan_id=None, status="registered"))
    await sign_in(client, world.one.emails["staff"])
    page = await preview(client, craft="", region="", training="yk-1")
    assert page.status_code == 200
    # three registrants without any channel (conftest) and one whose data was deleted
    assert (number(page.text, "recipients"), number(page.text, "unreachable")) == (0, 4)
    assert 'action="/console/broadcasts"' not in page.text  # nothing to send: no send button


async def test_bad_input_names_every_field_and_saves_nothing(app: App, world: World,
                                                             client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    page = await preview(client, text="  ", craft="sulap", region="Atlantis", training="BL-1", when="later",
                         send_at=(NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert page.status_code == 422
    for field in ("text", "craft", "region", "training", "send_at"):
        assert f'id="{field}-error"' in page.text, field
    nobody = await preview(client, craft="", region="", training="")
    assert nobody.status_code == 422 and nobody.text.count('class="field-error"') == 1
    assert await broadcasts(app) == [] and await outbox(app) == []


async def test_sending_queues_exactly_the_recipients_once_even_posted_twice(
        app: App, people: dict[str, int], world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer, form = await send(client)
    assert answer.status_code == 303
    [broadcast] = await broadcasts(app)
    assert answer.headers["location"] == f"/console/broadcasts/{broadcast.id}"
    assert (broadcast.organizer_id, broadcast.craft, broadcast.region, broadcast.recipients) == \
        (world.one.organizer_id, "tenun", "33", 4)
    rows = await outbox(app)
    expected = {people[name] for name in ("fine", "blocks", "missing", "whatsapp")}
    assert {row.artisan_id for row in rows} == expected
    assert {row.dedupe_key for row in rows} == {f"broadcast:{broadcast.id}:{p}" for p in expected}
    assert all(row.broadcast_id == broadcast.id and row.kind == "broadcast" and row.status == "pending"
               and row.not_before == NOW for row in rows)

    again = await client.post("/console/broadcasts", data=form)  # the same form, posted twice
    assert again.status_code == 303 and again.headers["location"] == answer.headers["location"]
    assert len(await broadcasts(app)) == 1 and len(await outbox(app)) == 4
    [event] = await audited(app, "broadcast_sent")
    assert event.target == f"broadcast:{broadcast.id}" and event.detail == {
        "recipients": 4, "blocked": 4, "send_at": NOW.isoformat()}


async def test_line_breaks_posted_by_a_browser_are_one_character_each(
        app: App, people: dict[str, int], world: World, client: httpx.AsyncClient) -> None:
    """A browser posts a textarea's line breaks as CRLF: the chat gets "\\n", and a text as long as the
    textarea allows (its maxlength counts a line break once) is not refused as too long."""
    await sign_in(client, world.one.emails["staff"])
    lines = ["Pameran tenun di Semarang."] * 100
    text_ = "\r\n".join(lines)
    text_ += "x" * (MAX_BROADCAST - len(text_) + len(lines) - 1)  # MAX_BROADCAST characters as the browser counts
    answer, _form = await send(client, text=text_)
    assert answer.status_code == 303
    [broadcast] = await broadcasts(app)
    assert broadcast.text == text_.replace("\r\n", "\n") and len(broadcast.text) == MAX_BROADCAST
    assert all("\r" not in row.body["text"] for row in await outbox(app))


async def test_the_same_form_posted_twice_at_once_makes_one_broadcast(
        app: App, people: dict[str, int], world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    form = hidden_fields((await preview(client)).text)
    answers = await asyncio.gather(*(client.post("/console/broadcasts", data=form) for _ in range(2)))
    assert [answer.status_code for answer in answers] == [303, 303]
    assert len({answer.headers["location"] for answer in answers}) == 1
    assert len(await broadcasts(app)) == 1 and len(await outbox(app)) == 4
    assert len(await audited(app, "broadcast_sent")) == 1


async def test_a_broadcast_for_later_waits_until_then(app: App, people: dict[str, int], world: World,
                                                      client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["admin"])
    answer, _form = await send(client, when="later", send_at="2026-11-24T09:30", zone="WIB")
    assert answer.status_code == 303
    rows = await outbox(app)
    assert {row.not_before for row in rows} == {NOW + timedelta(hours=23, minutes=30)}  # 09.30 WIB
    # tomorrow the WhatsApp recipient's window (their last message an hour ago) is over: not queued
    assert {row.artisan_id for row in rows} == {people[name] for name in ("fine", "blocks", "missing")}
    assert await app.outbox.run_once() == 0  # not due yet


async def test_the_log_shows_what_the_outbox_and_the_platform_reported_and_resend_requeues_only_the_failed(
        app: App, fake: FakeBotApi, clock: Clock, people: dict[str, int], world: World,
        client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer, _form = await send(client)
    log_url = answer.headers["location"]
    fake.known_chats.update({FINE_CHAT, BLOCKED_CHAT})  # they wrote to the bot; MISSING_CHAT's chat is unknown
    fake.blocked.add(BLOCKED_CHAT)
    assert await app.outbox.run_once() == 3  # the Telegram rows (no WhatsApp sender in this app)
    assert [m["text"] for m in fake.sent(FINE_CHAT)] == [AUDIENCE["text"]]
    sent = next(row for row in await outbox(app) if row.artisan_id == people["fine"])
    assert sent.provider_message_id
    statuses = DeliveryStatuses(app.sessionmaker, app.clock, "telegram")
    assert await statuses.record(sent.provider_message_id, "delivered")

    page = (await client.get(log_url)).text
    counts = {state: number(page, f"count-{state}") for state in
              ("pending", "sent", "delivered", "read", "failed", "skipped")}
    assert counts == {"pending": 1, "sent": 0, "delivered": 1, "read": 0, "failed": 2, "skipped": 0}
    assert "bot was blocked by the user" in page and "chat not found" in page.lower()  # the failures' reasons
    assert "Budi Blokir" in page and "Dewi WA" in page

    resent = await client.post(log_url + "/resend", data={"csrf": csrf_of(page)})
    assert resent.status_code == 303 and "resent=1" in resent.headers["location"] \
        and "blocked=1" in resent.headers["location"]  # the one who blocked the bot cannot be sent again
    rows = await outbox(app)
    assert len(rows) == 5
    [again] = [row for row in rows if row.dedupe_key.endswith(":again1")]
    assert (again.artisan_id, again.status, again.broadcast_id) == (people["missing"], "pending", sent.broadcast_id)
    await client.post(log_url + "/resend", data={"csrf": csrf_of(page)})  # nothing failed is left to resend
    assert len(await outbox(app)) == 5
    assert [e.detail for e in await audited(app, "broadcast_resent")] == [{"queued": 1, "blocked": 1},
                                                                          {"queued": 0, "blocked": 1}]

    fake.known_chats.add(MISSING_CHAT)  # they started the bot since
    assert await app.outbox.run_once() == 1
    assert len(fake.sent(MISSING_CHAT)) == 1 and len(fake.sent(FINE_CHAT)) == 1  # no duplicate for the delivered
    page = (await client.get(log_url)).text
    assert (number(page, "count-failed"), number(page, "count-sent"), number(page, "count-delivered")) == (1, 1, 1)
    listing = (await client.get("/console/broadcasts")).text
    assert log_url in listing and "Gagal 1" in listing

    dashboard = (await client.get("/console/")).text
    assert "bot was blocked by the user" in dashboard
    assert "chat not found" not in dashboard.lower()  # that one was sent again since
    assert f'{log_url}?state=failed' in dashboard
    await client.post("/console/logout", data={"csrf": csrf_of(dashboard)})
    await sign_in(client, world.two.emails["admin"])
    elsewhere = (await client.get("/console/")).text
    assert 'id="failed-sends"' in elsewhere and "blocked by the user" not in elsewhere and log_url not in elsewhere


async def test_two_resends_at_once_queue_each_failed_recipient_once(
        app: App, fake: FakeBotApi, people: dict[str, int], world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer, _form = await send(client)
    log_url = answer.headers["location"]
    fake.known_chats.update({FINE_CHAT, BLOCKED_CHAT})  # MISSING_CHAT's chat is unknown: "chat not found"
    assert await app.outbox.run_once() == 3
    csrf = csrf_of((await client.get(log_url)).text)
    answers = await asyncio.gather(*(client.post(log_url + "/resend", data={"csrf": csrf}) for _ in range(2)))
    assert [a.status_code for a in answers] == [303, 303]
    again = [row for row in await outbox(app) if ":again" in row.dedupe_key]
    assert [row.artisan_id for row in again] == [people["missing"]]
    assert sorted(e.detail["queued"] for e in await audited(app, "broadcast_resent") if e.detail) == [0, 1]


async def test_the_dashboard_shows_failed_reminders_of_own_trainings_only(app: App, world: World,
                                                                          client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():
        for code, error in (("YK-1", "400 Bad Request: chat not found"), ("BL-1", "403 bot of Bali blocked")):
            training = (await session.execute(select(Training).where(Training.code == code))).scalar_one()
            artisan_id = await session.scalar(select(Registration.artisan_id)
                                              .where(Registration.training_id == training.id).limit(1))
            key = f"reminder:{code}:86400"
            session.add(Reminder(key=key, artisan_id=artisan_id, training_id=training.id, kind="before_start",
                                 due_at=NOW, status="queued", created_at=NOW))
            session.add(OutboxMessage(dedupe_key=key, artisan_id=artisan_id, channel="telegram", external_id="1",
                                      kind="reminder", body={"text": "x"}, status="failed", attempts=1,
                                      last_error=error, created_at=NOW))
    await sign_in(client, world.one.emails["viewer"])
    page = (await client.get("/console/")).text
    assert "chat not found" in page and "/console/trainings/YK-1" in page and "Bali blocked" not in page


async def test_another_organizers_broadcast_is_404_and_roles_and_csrf_hold(
        app: App, people: dict[str, int], world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer, form = await send(client)
    log_url = answer.headers["location"]
    await client.post("/console/logout", data={"csrf": csrf_of((await client.get("/console/")).text)})

    await sign_in(client, world.two.emails["admin"])
    csrf = csrf_of((await client.get("/console/")).text)
    assert (await client.get(log_url)).status_code == 404
    assert (await client.post(log_url + "/resend", data={"csrf": csrf})).status_code == 404
    assert log_url not in (await client.get("/console/broadcasts")).text
    await client.post("/console/logout", data={"csrf": csrf})

    await sign_in(client, world.one.emails["viewer"])
    csrf = csrf_of((await client.get("/console/")).text)
    assert (await client.get(log_url)).status_code == 200
    assert (await client.get("/console/broadcasts/new")).status_code == 403
    assert (await client.post("/console/broadcasts/preview", data={**AUDIENCE, "csrf": csrf})).status_code == 403
    assert (await client.post(log_url + "/resend", data={"csrf": csrf})).status_code == 403
    await client.post("/console/logout", data={"csrf": csrf})

    await sign_in(client, world.one.emails["checkin"])
    assert (await client.get("/console/broadcasts")).status_code == 403
    assert (await client.get(log_url)).status_code == 403
    dashboard = (await client.get("/console/")).text
    assert "failed-sends" not in dashboard
    await client.post("/console/logout", data={"csrf": csrf_of(dashboard)})

    await sign_in(client, world.one.emails["admin"])
    assert (await client.post("/console/broadcasts", data={**form, "csrf": "forged"})).status_code == 403
    assert (await client.post(log_url + "/resend", data={})).status_code == 403
    assert await audited(app, "broadcast_resent") == []


async def test_0005_adds_the_columns_and_goes_back(tmp_path: Path) -> None:
    from alembic import command

    from db.session import alembic_config

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    try:
        await upgrade(engine, "0004")
        async with engine.begin() as connection:
            await connection.execute(text(
                "INSERT INTO broadcasts (text, send_at, recipients, created_at) "
                "VALUES ('halo', '2026-11-23 03:00:00', 0, '2026-11-23 03:00:00')"))
        await upgrade(engine)
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT text, request_key FROM broadcasts"))).all() == [
                ("halo", None)]

        def downgrade(connection: object) -> None:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")

        async with engine.begin() as connection:
            await connection.run_sync(downgrade)
            columns = {row[1] for row in (await connection.execute(text("PRAGMA table_info(outbox)"))).all()}
        assert "broadcast_id" not in columns and "status" in columns
    finally:
        await engine.dispose()


async def test_the_command_line_previews_the_same_blockers_and_queues_the_same_recipients(
        app: App, people: dict[str, int], database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from argparse import Namespace

    from bot.cli_broadcast import broadcast
    from bot.config import Settings

    await broadcast(Settings(database_url=database_url),
                    Namespace(text="Info pameran tenun", craft="tenun", region="33", training=None, at=None, yes=True))
    out = capsys.readouterr().out
    # the command runs on the real clock, days after the test's NOW: both WhatsApp windows are over by then
    assert "Recipients: 3" in out and "Blocked: 5 (opted out 1, deleted or unreachable 2," in out
    assert "without a template 2)" in out
    assert {row.artisan_id for row in await outbox(app)} == {people[name] for name in ("fine", "blocks", "missing")}


async def test_the_pages_speak_the_visitors_language(app: App, people: dict[str, int], world: World,
                                                     client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    client.cookies.set("kriya_lang", "en")
    page = await preview(client)
    assert "Will receive" in page.text and "Akan menerima" not in page.text
    wrong = await preview(client, region="Atlantis")
    assert wrong.status_code == 422 and "Unknown region" in wrong.text
    answer, _form = await send(client)
    assert "Delivery log" in (await client.get(answer.headers["location"])).text
    assert "Failed sends" in (await client.get("/console/")).text


async def test_the_audience_reaches_followers_by_one_subscription_matching_both_craft_and_region(app: App) -> None:
    from bot.services.announcements import Audience, audience
    from db.models import Subscription

    names = {"follows": ("tenun", "33.74"), "elsewhere": ("tenun", "51"), "split": ("", "33")}
    async with app.sessionmaker() as session, session.begin():
        for name, (craft, region) in names.items():
            artisan = Artisan(full_name=name, crafts=["tenun"] if name == "split" else [])
            session.add(artisan)
            await session.flush()
            session.add(Subscription(artisan_id=artisan.id, craft=craft, region=region))
        session.add(Artisan(full_name="own profile", crafts=["batik", "tenun"], province="33", regency="33.74"))
        session.add(Artisan(full_name="province only", crafts=["tenun"], province="33"))
        session.add(Artisan(full_name="West Sumatra", crafts=["tenun"], province="13", regency="13.3"))
    async with app.sessionmaker() as session:
        found = {p.full_name for p in await audience(session, Audience(craft="tenun", region="33"))}
        weavers = {p.full_name for p in await audience(session, Audience(craft="tenun"))}
    assert found == {"follows", "own profile", "province only"}
    assert weavers == {"follows", "elsewhere", "split", "own profile", "province only",
                       "West Sumatra"}
