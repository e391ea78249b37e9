"""The console's registrant actions over real HTTP: add a nominee, move from the waitlist, cancel with a reason,
the exports and the attendance sheet; each action's rows, its notice (in the person's language), its audit, bad
input per field with nothing saved, and roles, CSRF and other organizers refused."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from bot.app import App
from bot.organizers.openapi import openapi_document
from bot.services.exports import attendance_header, header
from db.models import Artisan, AuditEvent, ChannelIdentity, OutboxMessage, Registration, SeatOffer, Training
from tests.conftest import Clock
from tests.organizers.conftest import World, api_token, csrf_of, sign_in

NOMINEE = {"name": "Sri Wahyuni", "phone": "0813-2222-3333", "regency": "Kabupaten Bantul", "crafts": ["batik"],
           "note": "Diusulkan Disperindag Bantul"}


async def rows_of(app: App, model: Any) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def registration(app: App, code: str) -> Registration:
    async with app.sessionmaker() as session:
        return (await session.execute(select(Registration).where(Registration.code == code))).scalar_one()


async def registrations_of(app: App, training: str) -> dict[int | None, Registration]:
    async with app.sessionmaker() as session:
        found = (await session.execute(select(Registration).join(Training, Training.id == Registration.training_id)
                                       .where(Training.code == training))).scalars()
        return {r.artisan_id: r for r in found}


async def notices(app: App) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def audited(app: App) -> list[tuple[str, str | None, dict[str, Any] | None]]:
    async with app.sessionmaker() as session:
        return [tuple(row) for row in (await session.execute(
            select(AuditEvent.action, AuditEvent.target, AuditEvent.detail).order_by(AuditEvent.id))).all()]


async def reachable(app: App, phone: str, channel: str, external_id: str, language: str,
                    name: str = "Made Sutama", stored_phone: bool = True) -> int:
    """A person who chats with Kriya on `channel` in `language`."""
    async with app.sessionmaker() as session, session.begin():
        person = Artisan(full_name=name, phone=phone if stored_phone else None, language=language, crafts=["tenun"],
                         regency="51.04")
        session.add(person)
        await session.flush()
        session.add(ChannelIdentity(artisan_id=person.id, channel=channel, external_id=external_id,
                                    last_inbound_at=app.clock()))
        return person.id


async def tell_by_chat(app: App, *codes: str, language: str = "id") -> dict[str, int]:
    """Give the registrants of these codes a console chat identity; their artisan ids by code."""
    found = {}
    async with app.sessionmaker() as session, session.begin():
        for code in codes:
            row = (await session.execute(select(Registration).where(Registration.code == code))).scalar_one()
            assert row.artisan_id is not None
            await session.execute(update(Artisan).where(Artisan.id == row.artisan_id).values(language=language))
            session.add(ChannelIdentity(artisan_id=row.artisan_id, channel="console", external_id=f"c-{code}",
                                        last_inbound_at=app.clock()))
            found[code] = row.artisan_id
    return found


async def signed_in(client: httpx.AsyncClient, world: World, role: str = "staff", page: str = "/console/") -> str:
    await sign_in(client, world.one.emails[role])
    return csrf_of((await client.get(page)).text)


async def add(client: httpx.AsyncClient, csrf: str, training: str = "YK-2", **changes: Any) -> httpx.Response:
    return await client.post(f"/console/trainings/{training}/registrants", data={**NOMINEE, **changes, "csrf": csrf})


# -- adding a nominee -----------------------------------------------------------------------------------------


async def test_a_new_nominee_is_created_registered_and_audited(app: App, world: World,
                                                               client: httpx.AsyncClient) -> None:
    csrf = await signed_in(client, world, page="/console/trainings/YK-2/registrants/new")
    people = await rows_of(app, Artisan)
    answer = await add(client, csrf)
    assert answer.status_code == 303 and "/registrants/done?what=added&told=0" in answer.headers["location"]
    done = await client.get(answer.headers["location"])
    assert done.status_code == 200 and "belum pernah chat" in done.text
    assert await rows_of(app, Artisan) == people + 1
    [row] = (await registrations_of(app, "YK-2")).values()
    assert row.status == "registered" and row.note == "Diusulkan Disperindag Bantul"
    async with app.sessionmaker() as session:
        person = await session.get(Artisan, row.artisan_id)
    assert person is not None and person.phone == "+6281322223333" and person.regency == "34.02"
    assert person.crafts == ["batik"] and person.full_name == "Sri Wahyuni"
    assert await notices(app) == []  # no chat with Kriya yet: nobody to tell
    assert ("registrant_added", row.code, {"by": "console", "training": "YK-2", "status": "registered",
                                           "told": False}) in await audited(app)


@pytest.mark.parametrize("channel, external_id, stored_phone", [
    ("telegram", "5550001", True),  # the phone the chat stored (E.164)
    ("whatsapp", "6281322223333", False),  # WhatsApp knows the number: its identity is the phone's digits
])
async def test_a_known_phone_is_the_chat_person_told_in_their_language(
        app: App, world: World, client: httpx.AsyncClient, channel: str, external_id: str,
        stored_phone: bool) -> None:
    person = await reachable(app, "+6281322223333", channel, external_id, "en", stored_phone=stored_phone)
    people = await rows_of(app, Artisan)
    csrf = await signed_in(client, world)
    answer = await add(client, csrf, phone="+62 813 2222 3333")
    assert answer.status_code == 303 and "told=1" in answer.headers["location"]
    assert await rows_of(app, Artisan) == people  # the same person, not a second one
    row = (await registrations_of(app, "YK-2"))[person]
    assert row.status == "registered"
    [notice] = await notices(app)
    assert (notice.artisan_id, notice.channel, notice.external_id, notice.kind) == (person, channel, external_id,
                                                                                    "notice")
    assert notice.dedupe_key.startswith("added:") and notice.body["language"] == "en"
    assert row.code in notice.body["text"] and "registered you" in notice.body["text"]
    async with app.sessionmaker() as session:
        kept = await session.get(Artisan, person)
    assert kept is not None and kept.full_name == "Made Sutama" and kept.crafts == ["tenun"]  # their own data kept


async def test_a_nominee_for_a_full_training_goes_on_the_waitlist(app: App, world: World,
                                                                  client: httpx.AsyncClient) -> None:
    person = await reachable(app, "+6281322223333", "console", "sri", "id")
    csrf = await signed_in(client, world)
    answer = await add(client, csrf, training="YK-1")  # quota 2, two registered already
    assert answer.status_code == 303 and "what=waitlisted" in answer.headers["location"]
    assert (await registrations_of(app, "YK-1"))[person].status == "waitlisted"
    [notice] = await notices(app)
    assert notice.dedupe_key.startswith("added_waitlisted:") and "daftar tunggu" in notice.body["text"]


async def test_bad_input_gets_a_message_per_field_and_saves_nothing(app: App, world: World,
                                                                    client: httpx.AsyncClient) -> None:
    csrf = await signed_in(client, world)
    before = (await rows_of(app, Artisan), await rows_of(app, Registration), await rows_of(app, AuditEvent))
    answer = await client.post("/console/trainings/YK-2/registrants", data={
        "csrf": csrf, "name": " ", "phone": "12", "regency": "Atlantis", "crafts": ["bukan-kerajinan"],
        "note": "x" * 201})
    assert answer.status_code == 422
    for field in ("name", "phone", "regency", "crafts", "note"):
        assert f'id="{field}-error"' in answer.text, field
    assert 'value="12"' in answer.text and 'value="Atlantis"' in answer.text  # what was typed is kept
    assert (await rows_of(app, Artisan), await rows_of(app, Registration), await rows_of(app, AuditEvent)) == before


async def test_a_duplicate_registration_is_refused_on_the_phone_field(app: App, world: World,
                                                                      client: httpx.AsyncClient) -> None:
    csrf = await signed_in(client, world)
    before = (await rows_of(app, Artisan), await rows_of(app, Registration), await rows_of(app, AuditEvent))
    answer = await add(client, csrf, training="YK-1", phone="0812 0000 001", name="Orang Lain")  # Perajin YK 1
    assert answer.status_code == 422
    assert 'id="phone-error"' in answer.text and "KR-YK1" in answer.text and "Terdaftar" in answer.text
    assert (await rows_of(app, Artisan), await rows_of(app, Registration), await rows_of(app, AuditEvent)) == before


async def test_a_training_that_started_refuses_a_nominee(app: App, world: World,
                                                         client: httpx.AsyncClient) -> None:
    csrf = await signed_in(client, world)
    people = await rows_of(app, Artisan)
    answer = await add(client, csrf, training="YK-OLD")
    assert answer.status_code == 422 and 'id="form-error"' in answer.text
    assert await rows_of(app, Artisan) == people  # the new person was rolled back with the refusal


# -- moving from the waitlist -----------------------------------------------------------------------------------


async def test_moving_from_the_waitlist_is_refused_while_the_quota_is_full(app: App, world: World,
                                                                           client: httpx.AsyncClient) -> None:
    await tell_by_chat(app, "KR-YK3")
    csrf = await signed_in(client, world)
    answer = await client.post("/console/trainings/YK-1/registrants/admit", data={"csrf": csrf,
                                                                                  "registration": "KR-YK3"})
    assert answer.status_code == 409 and "Kuota sudah penuh" in answer.text
    assert (await registration(app, "KR-YK3")).status == "waitlisted"
    assert await notices(app) == [] and "registrant_admitted" not in [a for a, *_ in await audited(app)]


async def test_moving_from_the_waitlist_takes_a_free_seat_and_tells_the_person(app: App, world: World,
                                                                             client: httpx.AsyncClient) -> None:
    person = (await tell_by_chat(app, "KR-YK3", language="en"))["KR-YK3"]
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Training).where(Training.code == "YK-1").values(quota=3))
    csrf = await signed_in(client, world, page="/console/trainings/YK-1")
    answer = await client.post("/console/trainings/YK-1/registrants/admit", data={"csrf": csrf,
                                                                                  "registration": "kr-yk3"})
    assert answer.status_code == 303 and "what=admitted&told=1" in answer.headers["location"]
    assert (await registration(app, "KR-YK3")).status == "registered"
    [notice] = await notices(app)
    assert notice.artisan_id == person and notice.dedupe_key.startswith("promoted:")
    assert notice.body["language"] == "en" and "KR-YK3" in notice.body["text"]
    assert ("registrant_admitted", "KR-YK3") in [(a, t) for a, t, _d in await audited(app)]
    again = await client.post("/console/trainings/YK-1/registrants/admit", data={"csrf": csrf,
                                                                                 "registration": "KR-YK3"})
    assert again.status_code == 409  # not on the waitlist any more


# -- cancelling with a reason -----------------------------------------------------------------------------------


async def test_cancelling_needs_a_reason_of_a_bounded_length(app: App, world: World,
                                                            client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    form = await client.get("/console/trainings/YK-1/registrants/cancel?registration=KR-YK1")
    assert form.status_code == 200 and '<label for="reason">' in form.text and "Perajin YK 1" in form.text
    for reason in ("", "   ", "x" * 201):
        answer = await client.post("/console/trainings/YK-1/registrants/cancel", data={
            "csrf": csrf_of(form.text), "registration": "KR-YK1", "reason": reason})
        assert answer.status_code == 422 and 'id="reason-error"' in answer.text
    assert (await registration(app, "KR-YK1")).status == "registered"
    assert await notices(app) == [] and await rows_of(app, AuditEvent) == 1  # the sign-in only


async def test_cancelling_tells_the_person_the_reason_and_the_seat_goes_to_the_waitlist(
        app: App, world: World, client: httpx.AsyncClient) -> None:
    people = await tell_by_chat(app, "KR-YK1", "KR-YK3")
    await sign_in(client, world.one.emails["admin"])
    form = await client.get("/console/trainings/YK-1/registrants/cancel?registration=KR-YK1")
    answer = await client.post("/console/trainings/YK-1/registrants/cancel", data={
        "csrf": csrf_of(form.text), "registration": "KR-YK1", "reason": "Bukan perajin batik"})
    assert answer.status_code == 303 and "what=cancelled&told=1&promoted=1" in answer.headers["location"]
    cancelled = await registration(app, "KR-YK1")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Bukan perajin batik"
    # The freed seat is offered to the first on the waitlist, as in the chat: it is held for them.
    assert (await registration(app, "KR-YK3")).status == "waitlisted"
    async with app.sessionmaker() as session:
        [offer] = (await session.execute(select(SeatOffer))).scalars().all()
    assert offer.registration_id == (await registration(app, "KR-YK3")).id and offer.status == "pending"
    told = {n.artisan_id: n for n in await notices(app)}
    assert told[people["KR-YK1"]].dedupe_key.startswith("removed:")
    assert "Bukan perajin batik" in told[people["KR-YK1"]].body["text"]
    assert told[people["KR-YK3"]].dedupe_key == f"offer:{offer.id}"
    assert told[people["KR-YK3"]].body["buttons"][0]["payload"] == "of:KR-YK3:y"
    events = await audited(app)
    assert ("registration_cancelled", "KR-YK1", {"by": "console", "training": "YK-1", "told": True,
                                                 "promoted": ["KR-YK3"]}) in events
    again = await client.post("/console/trainings/YK-1/registrants/cancel", data={
        "csrf": csrf_of(form.text), "registration": "KR-YK1", "reason": "lagi"})
    assert again.status_code == 409


async def test_registering_again_in_the_chat_forgets_the_reason(app: App, world: World,
                                                               client: httpx.AsyncClient) -> None:
    from bot.services.registrations import Registrations

    csrf = await signed_in(client, world)
    await client.post("/console/trainings/YK-1/registrants/cancel", data={
        "csrf": csrf, "registration": "KR-YK2", "reason": "Salah pilih"})
    row = await registration(app, "KR-YK2")
    assert row.cancel_reason == "Salah pilih" and row.artisan_id is not None
    async with app.sessionmaker() as session, session.begin():
        again = await Registrations(session, app.clock(), app.settings.policy).register(row.artisan_id,
                                                                                        row.training_id)
    assert again.id == row.id and again.cancel_reason is None


# -- exports ---------------------------------------------------------------------------------------------------


async def name_yk1(app: App, name: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        row = (await session.execute(select(Registration).where(Registration.code == "KR-YK1"))).scalar_one()
        await session.execute(update(Artisan).where(Artisan.id == row.artisan_id).values(full_name=name))


async def test_the_csv_export_follows_the_filters_with_place_names_and_is_audited(
        app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])  # reading: a viewer may
    page = await client.get("/console/trainings/YK-1?status=registered")
    assert "/console/trainings/YK-1/registrants.csv?status=registered" in page.text
    answer = await client.get("/console/trainings/YK-1/registrants.csv?status=registered")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert 'filename="YK-1-pendaftar.csv"' in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Pelatihan" and [r[1] for r in rows[1:]] == ["KR-YK1", "KR-YK2"]
    assert {r[7] for r in rows[1:]} == {"Kabupaten Bantul"} and {r[6] for r in rows[1:]} == {"Batik"}
    waiting = await client.get("/console/trainings/YK-1/registrants.csv?status=waitlisted")
    assert [r[1] for r in list(csv.reader(io.StringIO(waiting.content.decode("utf-8-sig"))))[1:]] == ["KR-YK3"]
    assert ("registrants_exported", "YK-1", {"by": "console", "format": "csv", "rows": 2,
                                             "filters": {"status": "registered"}}) in await audited(app)


async def test_the_xlsx_export_neutralises_a_formula_like_name(app: App, world: World,
                                                              client: httpx.AsyncClient) -> None:
    await name_yk1(app, '=HYPERLINK("http://evil.example","klik")')
    await client.get("/console/lang?to=en")
    await sign_in(client, world.one.emails["staff"])
    answer = await client.get("/console/trainings/YK-1/registrants.xlsx")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    cells = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    assert [c.value for c in sheet[1]] == list(header("en")) != list(header("id"))  # the console's language
    name = cells["KR-YK1"][4]
    assert name.value == '\'=HYPERLINK("http://evil.example","klik")' and name.data_type == "s"
    assert cells["KR-YK1"][7].value == "Kabupaten Bantul" and set(cells) == {"KR-YK1", "KR-YK2", "KR-YK3"}


async def test_the_attendance_sheet_has_check_in_times_on_the_console_and_the_api(
        app: App, world: World, client: httpx.AsyncClient, clock: Clock) -> None:
    clock.advance(days=7)  # the training's day
    token = await api_token(app, world.one.emails["checkin"])
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/v1/trainings/YK-1/checkins", json={"ticket": "KR-YK2"},
                              headers=headers)).status_code == 201
    from_api = await client.get("/api/v1/trainings/YK-1/attendance.xlsx", headers=headers)
    assert from_api.status_code == 200 and from_api.headers["content-type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(from_api.content)).active
    assert sheet is not None
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"KR-YK1", "KR-YK2", "KR-YK3"}
    assert rows["KR-YK2"][6] == "2026-11-30 10:00 WIB" and rows["KR-YK1"][6] in (None, "")
    assert rows["KR-YK2"][3] == "Kabupaten Bantul"
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get("/console/trainings/YK-1")
    assert "/console/trainings/YK-1/attendance.xlsx" in page.text
    from_console = await client.get("/console/trainings/YK-1/attendance.xlsx")
    assert from_console.status_code == 200
    again = load_workbook(io.BytesIO(from_console.content)).active
    assert again is not None and [c.value for c in again[1]] == list(attendance_header("id", [date(2026, 11, 30)]))
    assert again[1][6].value == "Waktu hadir 2026-11-30"
    assert [a for a, *_ in await audited(app)].count("attendance_exported") == 2
    other = await client.get("/api/v1/trainings/BL-1/attendance.xlsx", headers=headers)
    assert other.status_code == 404
    assert "/trainings/{code}/attendance.xlsx" in openapi_document()["paths"]


# -- who may do what -------------------------------------------------------------------------------------------

ACTIONS = [
    ("GET", "/console/trainings/YK-1/registrants/new", None),
    ("POST", "/console/trainings/YK-1/registrants", NOMINEE),
    ("POST", "/console/trainings/YK-1/registrants/admit", {"registration": "KR-YK3"}),
    ("GET", "/console/trainings/YK-1/registrants/cancel?registration=KR-YK1", None),
    ("POST", "/console/trainings/YK-1/registrants/cancel", {"registration": "KR-YK1", "reason": "x"}),
]


async def unchanged(app: App) -> tuple[int, ...]:
    return (await rows_of(app, Artisan), await rows_of(app, OutboxMessage),
            *[hash(r.status) for r in (await registrations_of(app, "YK-1")).values()])


@pytest.mark.parametrize("role", ["viewer", "checkin"])
async def test_a_role_that_may_not_edit_gets_403(app: App, world: World, client: httpx.AsyncClient,
                                                 role: str) -> None:
    csrf = await signed_in(client, world, role)
    before = await unchanged(app)
    for method, path, data in ACTIONS:
        answer = await client.request(method, path, data={**data, "csrf": csrf} if data is not None else None)
        assert answer.status_code == 403, (method, path)
    assert await unchanged(app) == before
    page = await client.get("/console/trainings/YK-1")
    assert "/registrants/new" not in page.text and "/registrants/admit" not in page.text


async def test_a_form_without_its_csrf_token_is_refused(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["admin"])
    before = await unchanged(app)
    for method, path, data in ACTIONS:
        if method == "POST":
            for token in ({}, {"csrf": "not-the-token"}):
                assert (await client.post(path, data={**(data or {}), **token})).status_code == 403, path
    assert await unchanged(app) == before


async def test_another_organizers_registration_is_404_on_own_training(app: App, world: World,
                                                                      client: httpx.AsyncClient) -> None:
    csrf = await signed_in(client, world, "admin")
    before = await unchanged(app)
    assert (await client.post("/console/trainings/YK-1/registrants/admit",
                              data={"csrf": csrf, "registration": "KR-BL3"})).status_code == 404
    assert (await client.get("/console/trainings/YK-1/registrants/cancel?registration=KR-BL1")).status_code == 404
    assert (await client.post("/console/trainings/YK-1/registrants/cancel",
                              data={"csrf": csrf, "registration": "KR-BL1", "reason": "x"})).status_code == 404
    for action in ("registrants/new", "registrants.csv", "registrants.xlsx", "attendance.xlsx",
                   "registrants/done?what=added"):
        assert (await client.get(f"/console/trainings/BL-1/{action}")).status_code == 404, action
    assert (await registration(app, "KR-BL3")).status == "waitlisted"
    assert (await registration(app, "KR-BL1")).status == "registered"
    assert await unchanged(app) == before


async def test_the_new_pages_render_in_english(world: World, client: httpx.AsyncClient) -> None:
    await client.get("/console/lang?to=en")
    await sign_in(client, world.one.emails["staff"])
    new = await client.get("/console/trainings/YK-1/registrants/new")
    assert new.status_code == 200 and "Add registrant" in new.text and '<label for="phone">' in new.text
    cancel = await client.get("/console/trainings/YK-1/registrants/cancel?registration=KR-YK1")
    assert cancel.status_code == 200 and '<html lang="en">' in cancel.text
