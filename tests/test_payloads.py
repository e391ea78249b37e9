"""Button payloads: every route says what its arguments may be, Kriya's own buttons pass, forged ones are refused
and store nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import payloads
from bot.app import App
from db.models import Artisan, Registration, Subscription
from handlers import build_router
from tests.conftest import Chat
from tests.test_registration_chat import fill_form

ROUTER = build_router()

FORGED = [
    "rf:region:=1+1", "rf:region:99.99", "rf:region:34", "rf:region:34.04.01", "rf:region:34.04:x", "rf:region:",
    "rf:craft:=1+1", "rf:craft:Batik", "rf:consent:maybe", "rf:business:=1+1", "rf:confirm:=1+1", "rf:name:Sari",
    "rf", "tl:o=abc", "tl:o=²", "tl:o=-5", "tl:o=1e3", "tl:o=99999999999999", "tl:c=evil", "tl:p=99",
    "tl:p=34.04", "tl:r=34", "tl:f=20261399", "tl:x=1", "tl:c=batik;c=tenun", "tl:c", "tl:c=batik:o=5",
    "tf:z:", "tf:c:p==1+1", "tf", "td:=1+1", "td:", "td:BTK-YK-01:x", "rg:=HYPERLINK(1)", "rg",
    "cert:NIB", "cert:nib:x", "cert:nib:2:3", "tip:=1+1", "lang:fr", "pe:admin", "pe:", "rc:=1", "rcy:kr-abc234", "rck:x",
    "unsub:1e3", "unsub:-1", "unsub:99999999999", "sub:=1+1:", "sub::", "sub:batik:99", "sub:batik:34:x",
    "menu:x", "my:1", "dely:now", "td:" + "A" * 70,
    "fb:KR-ABC234:6", "fb:KR-ABC234:0", "fb:KR-ABC234", "fb:=1+1:5", "ab:KR-ABC234:capek", "ab:KR-ABC234",
    "fbx:=1+1", "fbx",
]
GENUINE = [
    "rf:cancel", "rf:contact", "rf:consent:yes", "rf:consent:no", "rf:craft:batik", "rf:craft:done",
    "rf:region:34.04", "rf:business:skip", "rf:confirm:yes", "rf:confirm:edit",
    "tl", "tl:", "tl:o=5", "tl:c=batik;p=34;o=5", "tl:c=batik;p=34;r=34.04;f=20261201;t=20261231",
    "tf:c:", "tf:p:c=batik", "tf:m:c=batik;p=34", "td:BTK-YK-01", "rg:BTK-YK-01", "cert", "cert:nib", "cert:nib:2",
    "tip", "tip:pricing:1", "lang", "lang:en", "pe:region", "rc:KR-ABC234", "rcy:KR-ABC234", "rck:KR-ABC234", "unsub:12",
    "sub", "sub:batik:34", "sub:batik:34.04", "sub::34.04", "sub:tenun:", "menu", "help", "my", "prof", "del",
    "dely", "subs", "fb:KR-ABC234:1", "fb:KR-ABC234:5", "ab:KR-ABC234:sakit", "ab:KR-ABC234:lainnya",
    "fbx:KR-ABC234",
]


def test_every_payload_route_of_kriya_declares_its_arguments() -> None:
    assert set(ROUTER.payload_specs) == set(ROUTER.payloads)


@pytest.mark.parametrize("payload", FORGED)
def test_a_payload_no_button_carries_goes_to_the_fallback(payload: str) -> None:
    route = ROUTER.by_payload(payload)
    assert route is not None and route.handler is ROUTER.fallback and route.args == []


@pytest.mark.parametrize("payload", GENUINE)
def test_the_payloads_kriya_makes_reach_their_handler(payload: str) -> None:
    route = ROUTER.by_payload(payload)
    name = payload.split(":")[0]
    assert route is not None and route.handler is ROUTER.payloads[name]
    assert route.args == payload.split(":")[1:]


def test_make_refuses_what_would_not_parse_back() -> None:
    with pytest.raises(ValueError):
        payloads.make("rf", "region", "a:b")
    with pytest.raises(ValueError):
        payloads.make("td", "X" * 64)
    assert payloads.parse(payloads.make("tl", payloads.encode_filters({"c": "batik", "o": 5}))) == (
        "tl", ["c=batik;o=5"])
    assert payloads.decode_filters("c=batik;zz=1;p=") == {"c": "batik"}


async def test_every_button_of_a_tour_through_kriya_is_accepted(chat: Chat) -> None:
    """Kriya's own buttons, as shown in a walk through menu, lists, filters, guides, the form and the profile."""
    seen: set[str] = set()
    steps = [("say", "/start"), ("say", "pelatihan batik di jogja"), ("say", "/pelatihan"), ("tap", "Berikutnya"),
             ("tap", "Pilih wilayah"), ("tap", "Yogyakarta"), ("tap", "Pilih bulan"), ("tap", "Desember 2026"),
             ("tap", "Pilih kerajinan"), ("tap", "Batik"), ("say", "sertifikasi nib"), ("tap", "Mulai langkah 1"), ("tap", "Langkah berikutnya"),
             ("say", "tips harga"), ("tap", "Lanjut"), ("say", "/bahasa")]
    for kind, value in steps:
        await (chat.say(value) if kind == "say" else chat.tap(value))
        seen.update(b.payload for r in chat.replies for b in r.buttons if b.kind == "payload")
    await fill_form(chat)
    seen.update(b.payload for r in chat.replies for b in r.buttons if b.kind == "payload")
    await chat.tap("Ya, daftar")
    for text in ("/saya", "/profil", "langganan batik", "/langganan", "sertifikasi", "tips"):
        await chat.say(text)
        seen.update(b.payload for r in chat.replies for b in r.buttons if b.kind == "payload")
    assert {p.split(":")[0] for p in seen} >= {"tl", "tf", "td", "cert", "tip", "lang", "rf", "rc", "pe", "unsub"}
    refused = [p for p in seen if (route := ROUTER.by_payload(p)) is None or route.handler is ROUTER.fallback]
    assert refused == []


async def person(app: App) -> Artisan:
    async with app.sessionmaker() as session:
        return (await session.execute(select(Artisan).where(Artisan.is_demo.is_(False)))).scalar_one()


async def live_registrations(app: App) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(Registration).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Artisan.is_demo.is_(False))) or 0)


async def test_a_forged_region_in_the_form_stores_nothing_and_the_question_stays(chat: Chat, demo_app: App) -> None:
    await chat.say("BTK-YK-01")
    await chat.tap("Daftar")
    await chat.tap("Setuju")
    await chat.say("Sari Wulandari")
    await chat.say("0812-3456-7890")
    await chat.tap("Batik")
    await chat.tap("Selesai")  # now at the region question
    for forged in ("rf:region:=1+1", "rf:region:99.99", "rf:region:34"):
        await chat.send(payload=forged, text="Sleman")  # as a WhatsApp reply: an id and a title
        await chat.send(payload="rf:business:skip")  # then the buttons of the later questions
        await chat.send(payload="rf:confirm:yes")
    assert await live_registrations(demo_app) == 0
    before = await person(demo_app)
    assert before.regency is None and before.province is None
    await chat.say("Kabupaten Gianyar")  # the question is still the region's: a typed answer goes on as usual
    await chat.tap("Lewati")
    await chat.tap("Ya, daftar")
    assert await live_registrations(demo_app) == 1
    after = await person(demo_app)
    assert (after.regency, after.province) == ("51.04", "51")


async def test_a_forged_region_while_editing_the_profile_leaves_it_unchanged(chat: Chat, demo_app: App) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    await chat.send(payload="pe:region")
    await chat.send(payload="rf:region:=1+1")
    await chat.send(payload="rf:region:34")
    after = await person(demo_app)
    assert (after.regency, after.province) == ("34.04", "34")
    await chat.send(payload="pe:=1+1")
    await chat.send(payload="sub:=1+1:=1+1")
    await chat.send(payload="tl:o=²")  # int() of it raised before
    async with demo_app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0
    assert await live_registrations(demo_app) == 1
