"""The console's trainings over real HTTP: create, edit, copy, close registration, import with a dry run; bad
input per field with nothing saved; roles, CSRF and other organizers' trainings."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.app import App
from bot.i18n import LANGUAGES
from bot.organizers import console_import, uploads
from bot.organizers.console import LANGUAGE_COOKIE
from bot.organizers.console_import import MAX_UPLOAD_BYTES
from bot.organizers.console_trainings import FORM_FIELDS, place_shown
from bot.organizers.texts import page_texts
from bot.organizers.web import TEMPLATES_DIR
from bot.regions import region_name
from bot.services.catalogue import COLUMNS, MODES, OPTIONAL
from bot.services.catalogue.places import province_cell, regency_cell
from db.models import AuditEvent, ChannelIdentity, OutboxMessage, Registration, Training
from tests.conftest import NOW, Chat
from tests.organizers.conftest import World, csrf_of, sign_in, training

FORM = {
    "code": "YK-BARU", "title": "Pewarnaan alami batik", "craft": "batik", "province": "Jawa Tengah",
    "regency": "Kota Pekalongan", "venue": "Balai Batik Pekalongan", "mode": "hybrid",
    "starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T15:30", "registration_deadline": "2026-12-08T17:00",
    "quota": "25", "fee": "0", "contact": "0285 123456", "description": "Praktik pewarnaan alami.",
    "requirements": "Membawa kain mori", "language": "id",
}
MY_ROUTES = [("GET", "/console/trainings/new"), ("POST", "/console/trainings/new"),
             ("GET", "/console/trainings/YK-1/edit"), ("POST", "/console/trainings/YK-1/edit"),
             ("GET", "/console/trainings/YK-1/copy"), ("POST", "/console/trainings/YK-1/close"),
             ("GET", "/console/import"), ("POST", "/console/import"), ("POST", "/console/import/save")]
HEADER = ("code,title,craft,organizer,province,regency,venue,mode,starts_at,ends_at,registration_deadline,quota,fee,"
          "contact,description\n")


@pytest.fixture(autouse=True)
def upload_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setattr(uploads, "UPLOADS_DIR", folder)
    return folder


async def trainings_of(app: App) -> dict[str, Training]:
    async with app.sessionmaker() as session:
        found = {t.code: t for t in (await session.execute(select(Training))).scalars()}
        session.expunge_all()  # read after the session ends: detached, never expired
    return found


async def snapshot(app: App) -> dict[str, tuple[object, ...]]:
    """Every training's stored columns, to compare before and after."""
    return {code: (t.title, t.organizer_id, t.province, t.regency, t.venue, t.starts_at, t.ends_at,
                   t.registration_deadline, t.quota, t.fee, t.status) for code, t in (await trainings_of(app)).items()}


async def audited(app: App, action: str) -> list[AuditEvent]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(AuditEvent).where(AuditEvent.action == action))).scalars())


async def form_page(client: httpx.AsyncClient, path: str = "/console/trainings/new") -> httpx.Response:
    page = await client.get(path)
    assert page.status_code == 200, page.status_code
    return page


def field_value(html: str, name: str) -> str:
    found = re.search(rf'<input id="f-{name}" name="{name}" type="[^"]+" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def has_error(html: str, name: str) -> bool:
    return f'id="f-{name}-error"' in html and f'id="f-{name}" name="{name}"' in html


async def test_create_saves_the_training_in_the_provinces_time_and_audits(app: App, world: World,
                                                                          client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    page = await form_page(client)
    for name in FORM:
        assert f'<label for="f-{name}">' in page.text, name  # a label on every field
    answer = await client.post("/console/trainings/new", data={**FORM, "csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/trainings/YK-BARU"
    saved = (await trainings_of(app))["YK-BARU"]
    assert saved.organizer_id == world.one.organizer_id
    assert (saved.province, saved.regency, saved.mode, saved.quota, saved.fee) == ("33", "33.75", "hybrid", 25, 0)
    assert saved.starts_at == datetime(2026, 12, 10, 2, 0, tzinfo=UTC)  # 09.00 WIB
    assert saved.registration_deadline == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert saved.requirements == "Membawa kain mori"
    [event] = await audited(app, "training_created")
    assert event.target == "YK-BARU" and event.organizer_id == world.one.organizer_id
    shown = await client.get("/console/trainings/YK-BARU")
    assert shown.status_code == 200 and "Pewarnaan alami batik" in shown.text


async def test_bad_input_is_shown_next_to_each_field_and_nothing_is_saved(app: App, world: World,
                                                                          client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    before = await snapshot(app)
    bad = {**FORM, "title": "", "craft": "plastik", "province": "Atlantis", "ends_at": "2026-12-09T10:00",
           "quota": "-3", "fee": "gratis", "contact": ""}
    answer = await client.post("/console/trainings/new", data={**bad, "csrf": csrf_of((await form_page(client)).text)})
    assert answer.status_code == 422
    for name in ("title", "craft", "province", "quota", "fee", "contact"):
        assert has_error(answer.text, name), name
    assert not has_error(answer.text, "venue") and not has_error(answer.text, "code")
    assert field_value(answer.text, "venue") == "Balai Batik Pekalongan"  # what was typed is kept
    assert field_value(answer.text, "province") == "Atlantis"
    assert await snapshot(app) == before
    assert await audited(app, "training_created") == []


async def test_end_before_start_and_empty_times_are_the_times_fields_errors(world: World,
                                                                            client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    csrf = csrf_of((await form_page(client)).text)
    before_start = await client.post("/console/trainings/new",
                                     data={**FORM, "ends_at": "2026-12-09T10:00", "csrf": csrf})
    assert before_start.status_code == 422 and has_error(before_start.text, "ends_at")
    empty = await client.post("/console/trainings/new", data={**FORM, "ends_at": "", "csrf": csrf})
    assert empty.status_code == 422 and has_error(empty.text, "ends_at") and not has_error(empty.text, "starts_at")


@pytest.mark.parametrize("code", ["YK-1", "yk-2", "BL-1"])
async def test_a_code_in_use_here_or_elsewhere_is_refused_on_create(app: App, world: World, client: httpx.AsyncClient,
                                                                   code: str) -> None:
    await sign_in(client, world.one.emails["admin"])
    before = await snapshot(app)
    answer = await client.post("/console/trainings/new",
                               data={**FORM, "code": code, "csrf": csrf_of((await form_page(client)).text)})
    assert answer.status_code == 422 and has_error(answer.text, "code")
    assert await snapshot(app) == before


async def add_identities(app: App, code: str) -> None:
    async with app.sessionmaker() as session, session.begin():
        people = (await session.execute(
            select(Registration.artisan_id).join(Training).where(Training.code == code))).scalars().all()
        for number, artisan_id in enumerate(people):
            session.add(ChannelIdentity(artisan_id=artisan_id, channel="console", external_id=f"{code}-{number}"))


async def notices(app: App, kind: str) -> int:
    async with app.sessionmaker() as session:
        keys = (await session.execute(select(OutboxMessage.dedupe_key))).scalars().all()
    return sum(key.startswith(f"{kind}:") for key in keys)


async def test_edit_is_prefilled_and_saves_and_only_a_move_notifies(app: App, world: World,
                                                                    client: httpx.AsyncClient) -> None:
    await add_identities(app, "YK-1")
    await sign_in(client, world.one.emails["staff"])
    page = await form_page(client, "/console/trainings/YK-1/edit")
    assert field_value(page.text, "title") == "Pelatihan YK-1"
    assert field_value(page.text, "province") == "Daerah Istimewa Yogyakarta"  # a name, as people write it
    assert field_value(page.text, "regency") == "Kabupaten Bantul"
    stored = (await trainings_of(app))["YK-1"]
    assert field_value(page.text, "starts_at") == (stored.starts_at + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")
    values = {name: field_value(page.text, name) for name in FORM if name not in
              ("code", "craft", "mode", "language", "description", "requirements")}
    base = {**values, "craft": "batik", "mode": "offline", "language": "id",
            "description": "Pelatihan untuk perajin.", "requirements": ""}
    renamed = await client.post("/console/trainings/YK-1/edit",
                                data={**base, "title": "Batik tulis lanjutan", "csrf": csrf_of(page.text)})
    assert renamed.status_code == 303 and renamed.headers["location"] == "/console/trainings/YK-1"
    changed = (await trainings_of(app))["YK-1"]
    assert changed.title == "Batik tulis lanjutan" and changed.starts_at == stored.starts_at
    assert await notices(app, "moved") == 0  # the same start: nobody is told anything
    later = (stored.starts_at + timedelta(days=1, hours=7)).strftime("%Y-%m-%dT%H:%M")
    ends = (stored.ends_at + timedelta(days=1, hours=7)).strftime("%Y-%m-%dT%H:%M")
    moved = await client.post("/console/trainings/YK-1/edit", data={
        **base, "title": "Batik tulis lanjutan", "starts_at": later, "ends_at": ends, "csrf": csrf_of(page.text)})
    assert moved.status_code == 303
    assert (await trainings_of(app))["YK-1"].starts_at == stored.starts_at + timedelta(days=1)
    assert await notices(app, "moved") == 3  # two registered and one waitlisted, in the chat
    assert [e.target for e in await audited(app, "training_changed")] == ["YK-1", "YK-1"]


async def test_a_refused_edit_changes_nothing(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    page = await form_page(client, "/console/trainings/YK-2/edit")
    before = (await trainings_of(app))["YK-2"]
    answer = await client.post("/console/trainings/YK-2/edit",
                               data={**FORM, "code": "YK-2", "venue": "", "quota": "banyak", "csrf": csrf_of(page.text)})
    assert answer.status_code == 422 and has_error(answer.text, "venue") and has_error(answer.text, "quota")
    after = (await trainings_of(app))["YK-2"]
    assert (after.title, after.venue, after.quota) == (before.title, before.venue, before.quota)
    assert await audited(app, "training_changed") == []


async def test_copy_prefills_an_earlier_training_and_saves_a_new_one(app: App, world: World,
                                                                     client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    new_page = await form_page(client)
    assert '<option value="YK-OLD">' in new_page.text and "BL-OLD" not in new_page.text  # own trainings only
    chosen = await client.get("/console/trainings/new", params={"from": "YK-OLD"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/console/trainings/YK-OLD/copy"
    page = await form_page(client, "/console/trainings/YK-OLD/copy")
    assert field_value(page.text, "code") == "" and field_value(page.text, "starts_at") == ""
    assert field_value(page.text, "title") == "Pelatihan YK-OLD" and field_value(page.text, "venue") == "Balai"
    assert 'action="/console/trainings/new"' in page.text
    values = {name: field_value(page.text, name) for name in ("title", "province", "regency", "venue", "quota",
                                                                "fee", "contact")}
    answer = await client.post("/console/trainings/new", data={
        **values, "code": "YK-ULANG", "craft": "batik", "mode": "offline", "language": "id",
        "description": "Pelatihan untuk perajin.", "starts_at": "2027-01-05T08:00", "ends_at": "2027-01-05T14:00",
        "csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    found = await trainings_of(app)
    copy, source = found["YK-ULANG"], found["YK-OLD"]
    assert (copy.title, copy.venue, copy.province, copy.regency, copy.quota, copy.organizer_id) == (
        source.title, source.venue, source.province, source.regency, source.quota, source.organizer_id)
    assert copy.starts_at == datetime(2027, 1, 5, 1, 0, tzinfo=UTC) and source.starts_at == NOW - timedelta(days=30)


async def test_closing_registration_sets_the_deadline_and_the_chat_says_closed(app: App, world: World,
                                                                               client: httpx.AsyncClient) -> None:
    chat = Chat(app, user="6281399900001")
    await chat.say("YK-2")
    assert "Pendaftaran sudah ditutup" not in chat.text and "Daftar" in chat.titles  # open before
    await sign_in(client, world.one.emails["staff"])
    page = await client.get("/console/trainings/YK-2")
    assert 'action="/console/trainings/YK-2/close"' in page.text
    answer = await client.post("/console/trainings/YK-2/close", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/trainings/YK-2"
    closed = (await trainings_of(app))["YK-2"]
    assert closed.registration_deadline == NOW and closed.status == "published"
    assert [e.target for e in await audited(app, "registration_closed")] == ["YK-2"]
    shown = await client.get("/console/trainings/YK-2")
    assert "Pendaftaran ditutup" in shown.text and 'action="/console/trainings/YK-2/close"' not in shown.text
    again = await client.post("/console/trainings/YK-2/close", data={"csrf": csrf_of(page.text)})
    assert again.status_code == 303 and len(await audited(app, "registration_closed")) == 1  # nothing to do
    other = Chat(app, user="6281399900002")
    await other.say("YK-2")
    assert "Pendaftaran sudah ditutup" in other.text and "Daftar" not in other.titles


@pytest.mark.parametrize("role", ["viewer", "checkin"])
async def test_roles_that_may_not_edit_see_no_links_and_get_403(app: App, world: World, client: httpx.AsyncClient,
                                                                role: str) -> None:
    await sign_in(client, world.one.emails[role])
    before = await snapshot(app)
    dashboard = await client.get("/console/")
    training = await client.get("/console/trainings/YK-1")
    for page in (dashboard, training):
        assert "/console/trainings/new" not in page.text and "/console/import" not in page.text
        assert "/edit" not in page.text and "/copy" not in page.text and "/close" not in page.text
    csrf = csrf_of(dashboard.text)
    for method, path in MY_ROUTES:
        answer = await client.request(method, path, data={**FORM, "csrf": csrf} if method == "POST" else None)
        assert answer.status_code == 403, (method, path)
    assert await snapshot(app) == before


async def test_editing_roles_see_the_links(world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    dashboard = await client.get("/console/")
    assert 'href="/console/trainings/new"' in dashboard.text and 'href="/console/import"' in dashboard.text
    training = await client.get("/console/trainings/YK-1")
    assert 'href="/console/trainings/YK-1/edit"' in training.text
    assert 'href="/console/trainings/YK-1/copy"' in training.text


async def test_every_post_needs_its_csrf_token(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["admin"])
    before = await snapshot(app)
    for method, path in MY_ROUTES:
        if method == "POST":
            for data in ({**FORM}, {**FORM, "csrf": "not-the-token"}):
                assert (await client.post(path, data=data)).status_code == 403, path
    assert await snapshot(app) == before


@pytest.mark.parametrize("method, path", [("GET", "/console/trainings/BL-1/edit"),
                                          ("POST", "/console/trainings/BL-1/edit"),
                                          ("GET", "/console/trainings/BL-OLD/copy"),
                                          ("POST", "/console/trainings/BL-1/close")])
async def test_another_organizers_training_is_404(app: App, world: World, client: httpx.AsyncClient,
                                                  method: str, path: str) -> None:
    await sign_in(client, world.one.emails["admin"])
    before = await snapshot(app)
    csrf = csrf_of((await client.get("/console/")).text)
    answer = await client.request(method, path, data={**FORM, "code": "BL-1", "csrf": csrf}
                                  if method == "POST" else None)
    assert answer.status_code == 404 and "Pelatihan BL" not in answer.text
    assert await snapshot(app) == before
    copy = await client.get("/console/trainings/new", params={"from": "BL-OLD"})
    assert (await client.get(copy.headers["location"])).status_code == 404


# -- import ----------------------------------------------------------------------------------------------

def csv_file(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


CSV_ROWS = (
    "YK-IMPOR,Anyaman pandan,anyaman,Dinas Lain,DI Yogyakarta,Kab. Sleman,Balai Desa,offline,2026-12-20 09:00,"
    "2026-12-20 15:00,,20,0,0274 111,Anyaman untuk pemula",  # new (its organizer column is ignored)
    "YK-2,Pelatihan YK-2 diperbarui,batik,BBSPJIKB Yogyakarta,34,34.02,Balai,offline,2026-12-07 10:00,"
    "2026-12-07 16:00,,2,0,0274 000,Pelatihan untuk perajin.",  # an update of an own training
    "YK-RUSAK,,plastik,BBSPJIKB Yogyakarta,Atlantis,,Balai,offline,2026-12-20 09:00,2026-12-19 09:00,,-1,,0274,x",
    "BL-1,Diambil alih,batik,BBSPJIKB Yogyakarta,Bali,,Balai,offline,2026-12-20 09:00,2026-12-20 12:00,,,0,0361,x",
)


async def upload(client: httpx.AsyncClient, name: str, data: bytes) -> httpx.Response:
    csrf = csrf_of((await client.get("/console/import")).text)
    return await client.post("/console/import", data={"csrf": csrf}, files={"file": (name, data)})


TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


async def test_the_dry_run_lists_every_error_and_saves_nothing_then_save_imports(
        app: App, world: World, client: httpx.AsyncClient, upload_folder: Path) -> None:
    await sign_in(client, world.one.emails["staff"])
    before = await trainings_of(app)
    unchanged = await snapshot(app)
    answer = await upload(client, "katalog.csv", csv_file(*CSV_ROWS))
    assert answer.status_code == 200
    errors = re.findall(r'<td data-label="Baris">(\d+)', answer.text)
    # line 4: title, craft, province, quota and fee (5 reasons); line 5: the code is another organizer's
    assert errors.count("4") == 5 and errors.count("5") == 1 and set(errors) == {"4", "5"}
    for column in ("title", "craft", "province", "quota", "fee"):
        assert f'<span class="muted">{column}</span>' in answer.text, column
    assert "YK-IMPOR" in answer.text.split("Akan dibuat")[1].split("Akan diperbarui")[0]
    assert "YK-2" in answer.text.split("Akan diperbarui")[1]
    assert "Kolom organizer diabaikan" in answer.text
    assert await snapshot(app) == unchanged
    assert await audited(app, "trainings_imported") == []
    found = TOKEN_RE.search(answer.text)
    assert found
    token = found.group(1)
    assert [p.name for p in (upload_folder / str(world.one.organizer_id)).iterdir()] == [f"{token}.csv"]

    saved = await client.post("/console/import/save", data={"csrf": csrf_of(answer.text), "token": token})
    assert saved.status_code == 200 and "Impor selesai" in saved.text
    after = await trainings_of(app)
    assert after["YK-IMPOR"].organizer_id == world.one.organizer_id and after["YK-IMPOR"].regency == "34.04"
    assert after["YK-2"].title == "Pelatihan YK-2 diperbarui"
    assert "YK-RUSAK" not in after and after["BL-1"].title == before["BL-1"].title
    assert after["BL-1"].organizer_id == world.two.organizer_id
    [event] = await audited(app, "trainings_imported")
    assert event.detail == {"by": "console", "created": 1, "updated": 1, "refused": 2}
    again = await client.post("/console/import/save", data={"csrf": csrf_of(answer.text), "token": token})
    assert again.status_code == 404 and len(await audited(app, "trainings_imported")) == 1


async def test_an_xlsx_file_is_checked_and_imported(app: App, world: World, client: httpx.AsyncClient) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    sheet.append(["YK-XLSX", "Tenun ikat", "tenun", "", "Jawa Tengah", "Kabupaten Jepara", "Balai", "online",
                  datetime(2026, 12, 21, 9, 0), datetime(2026, 12, 21, 12, 0), None, 30, 50000, "0291", "Tenun"])
    data = io.BytesIO()
    book.save(data)
    await sign_in(client, world.one.emails["admin"])
    answer = await upload(client, "Katalog.XLSX", data.getvalue())
    assert answer.status_code == 200 and "YK-XLSX" in answer.text and "YK-XLSX" not in await trainings_of(app)
    found = TOKEN_RE.search(answer.text)
    assert found
    saved = await client.post("/console/import/save", data={"csrf": csrf_of(answer.text), "token": found.group(1)})
    assert saved.status_code == 200
    made = (await trainings_of(app))["YK-XLSX"]
    assert (made.organizer_id, made.fee, made.mode) == (world.one.organizer_id, 50000, "online")
    assert made.starts_at == datetime(2026, 12, 21, 2, 0, tzinfo=UTC)


async def test_another_organizers_token_finds_nothing(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer = await upload(client, "katalog.csv", csv_file(CSV_ROWS[0]))
    found = TOKEN_RE.search(answer.text)
    assert found
    web_client = httpx.AsyncClient(transport=client._transport, base_url="http://kriya.test")
    async with web_client as other:
        await sign_in(other, world.two.emails["admin"])
        csrf = csrf_of((await other.get("/console/import")).text)
        for token in (found.group(1), "../1/" + found.group(1), "x" * 43):
            refused = await other.post("/console/import/save", data={"csrf": csrf, "token": token})
            assert refused.status_code == 404
    assert "YK-IMPOR" not in await trainings_of(app)


@pytest.mark.parametrize("name, data, key", [
    ("katalog.txt", b"code\n", "Berkas harus berakhiran .csv atau .xlsx"),
    ("katalog.csv", b"", "Pilih berkas CSV atau XLSX"),
    ("katalog.csv", b"code,title\nA,B\n", "missing column(s)"),
    ("katalog.xlsx", b"not a workbook", "not an XLSX workbook"),
    ("katalog.csv", b"\xff\xfe" + HEADER.encode(), "not UTF-8"),
])
async def test_a_file_that_cannot_be_read_is_refused_whole(app: App, world: World, client: httpx.AsyncClient,
                                                           upload_folder: Path, name: str, data: bytes,
                                                           key: str) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer = await upload(client, name, data)
    assert answer.status_code == 422 and key in answer.text and 'name="token"' not in answer.text
    folder = upload_folder / str(world.one.organizer_id)
    assert not folder.exists() or list(folder.iterdir()) == []  # nothing kept


async def test_an_upload_over_the_limit_is_refused_before_it_is_read(world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    csrf = csrf_of((await client.get("/console/import")).text)
    big = b"x" * (MAX_UPLOAD_BYTES + 1)
    answer = await client.post("/console/import", data={"csrf": csrf}, files={"file": ("big.csv", big)})
    assert answer.status_code == 413


async def test_saving_counts_nothing_when_every_row_is_bad(app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer = await upload(client, "katalog.csv", csv_file(CSV_ROWS[2]))
    assert answer.status_code == 200 and 'name="token"' not in answer.text and "Tidak ada baris" in answer.text
    async with app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Training).where(Training.code == "YK-RUSAK")) == 0


TEMPLATES = ("training_form.html", "import.html", "_training_actions.html")


def test_every_text_the_pages_use_exists() -> None:
    """A misspelt `t.name` renders as nothing (or as a dict method): every name used must be a page text."""
    texts = page_texts()
    used = set()
    for name in TEMPLATES:
        source = (TEMPLATES_DIR / name).read_text()
        used |= set(re.findall(r"\bt\.([a-z_]+)", source)) - {"get"}
    used |= {f"{kind}_{name}" for kind in ("label", "hint") for name in (*FORM_FIELDS, *COLUMNS, *OPTIONAL)}
    used |= {f"mode_{mode}" for mode in MODES} | {f"language_{language}" for language in LANGUAGES}
    assert used - set(texts) == set()
    assert not used & set(dir(dict))  # t.copy would be the dict's method, not a text


async def test_the_form_in_english(world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    client.cookies.set(LANGUAGE_COOKIE, "en")
    page = await form_page(client)
    assert '<label for="f-code">Training code</label>' in page.text
    assert "Registration deadline" in page.text and "In person" in page.text
    answer = await client.post("/console/trainings/new", data={**FORM, "title": "", "csrf": csrf_of(page.text)})
    assert answer.status_code == 422 and "Required, at most 200 characters." in answer.text


def test_kept_uploads_are_the_organizers_own_and_expire(tmp_path: Path) -> None:
    kept = uploads.Uploads(tmp_path / "kept")
    token, path = kept.keep(1, ".csv", b"code\n")
    assert path.read_bytes() == b"code\n" and kept.find(1, token) == path
    assert kept.find(2, token) is None and kept.find(1, "../1/" + token) is None
    old = time.time() - uploads.LIFETIME_SECONDS - 1
    os.utime(path, (old, old))
    assert kept.find(1, token) is None
    kept.keep(1, ".xlsx", b"PK")
    assert not path.exists()  # swept when the next file comes


def test_an_upload_folder_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "kept").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(uploads.UnsafeFolder):
        uploads.Uploads(tmp_path / "kept").keep(1, ".csv", b"code\n")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_every_place_the_edit_form_shows_is_read_back_as_the_same_place() -> None:
    """An untouched province or regency must never be an error on edit: the names shown parse back to the codes."""
    tried = 0
    for number in range(11, 100):
        province = str(number)
        if region_name(province) is None:
            continue
        for regency in [f"{province}.{n:02d}" for n in range(1, 80) if region_name(f"{province}.{n:02d}")]:
            shown_province, shown_regency = place_shown(province, regency)
            assert province_cell({"province": shown_province}) == province, shown_province
            assert regency_cell({"regency": shown_regency}, province) == regency, shown_regency
            tried += 1
    assert tried > 500  # every regency and city of Indonesia
    assert place_shown("34", "34.04") == ("Daerah Istimewa Yogyakarta", "Kabupaten Sleman")


async def test_a_code_taken_elsewhere_after_the_dry_run_is_refused_at_the_save(
        app: App, world: World, client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer = await upload(client, "katalog.csv", csv_file(CSV_ROWS[0], CSV_ROWS[1]))
    found = TOKEN_RE.search(answer.text)
    assert found and "YK-IMPOR" in answer.text.split("Akan dibuat")[1]
    async with app.sessionmaker() as session, session.begin():  # meanwhile, another office prints that code
        session.add(training("YK-IMPOR", world.two.organizer_id, 20))
    saved = await client.post("/console/import/save", data={"csrf": csrf_of(answer.text), "token": found.group(1)})
    assert saved.status_code == 200
    after = await trainings_of(app)
    assert after["YK-IMPOR"].organizer_id == world.two.organizer_id and after["YK-IMPOR"].title == "Pelatihan YK-IMPOR"
    assert after["YK-2"].title == "Pelatihan YK-2 diperbarui"
    [event] = await audited(app, "trainings_imported")
    assert event.detail == {"by": "console", "created": 0, "updated": 1, "refused": 1}


async def test_a_save_that_fails_midway_saves_nothing(app: App, world: World, client: httpx.AsyncClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    await sign_in(client, world.one.emails["staff"])
    answer = await upload(client, "katalog.csv", csv_file(CSV_ROWS[0], CSV_ROWS[1]))
    found = TOKEN_RE.search(answer.text)
    assert found
    unchanged = await snapshot(app)
    real_import = console_import.import_rows
    calls = []

    async def second_batch_fails(session: Any, rows: Any, **kwargs: Any) -> Any:
        calls.append(len(rows))
        if len(calls) == 2:  # as if another import wrote the same code at this moment
            raise IntegrityError("INSERT", {}, Exception("duplicate key"))
        return await real_import(session, rows, **kwargs)

    monkeypatch.setattr(console_import, "BATCH_ROWS", 1)
    monkeypatch.setattr(console_import, "import_rows", second_batch_fails)
    saved = await client.post("/console/import/save", data={"csrf": csrf_of(answer.text), "token": found.group(1)})
    assert saved.status_code == 409 and calls == [1, 1]
    assert await snapshot(app) == unchanged  # the first batch was rolled back with the second
    assert await audited(app, "trainings_imported") == []
