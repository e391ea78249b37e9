"""Outside the 24-hour window the questions and notices of issue 15 go as their own templates (bot/config.py
DEFAULT_WHATSAPP_TEMPLATES): the kind's name, the person's language, the body parameters in that language, the
question's buttons as quick replies; a tap on a quick reply answers as the button would. The fake refuses free-form
text outside the window with 131047, as Meta does."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import DEFAULT_WHATSAPP_TEMPLATES
from bot.i18n import format_when, use_language
from bot.proactive_texts import ABSENCE, CERTIFICATE, CONFIRM, FEEDBACK, FOLLOWUP, OFFER, Tell, render
from bot.regions import zone_of
from bot.services.proactive import queue
from bot.services.registrations import Registrations
from db.models import Artisan, Certificate, ChannelIdentity, OutboxMessage, Registration, SeatOffer, Training
from tests.whatsapp.conftest import TOKEN, USER, WhatsApp, outbox_row, quick_reply
from tests.whatsapp.fake_graph import VERSION, FakeGraph, serve

UNTIL = timedelta(hours=20)


def tell_of(kind: str, training: Training, at: datetime) -> Tell:
    if kind == OFFER:
        return Tell(OFFER, training, "KR-ABC123", until=at + UNTIL)
    if kind == CERTIFICATE:
        return Tell(CERTIFICATE, training, "ABCDEFGHJKLM", text="http://localhost:8000/verify/ABCDEFGHJKLM")
    if kind == FOLLOWUP:
        return Tell(FOLLOWUP, training, months=3, ref=41)
    return Tell(kind, training, "KR-ABC123")


async def certificate_of(session: AsyncSession, person: Artisan, training: Training, tell: Tell) -> None:
    registration = Registration(training_id=training.id, artisan_id=person.id, code="KR-CRT001", status="registered")
    session.add(registration)
    await session.flush()
    session.add(Certificate(code=str(tell.registration_code), registration_id=registration.id, training_id=training.id,
                            artisan_id=person.id, name="Sri Rahayu", language="id", link=tell.text or ""))


async def silent_for_days(whatsapp: WhatsApp, language: str) -> tuple[Artisan, ChannelIdentity, Training]:
    """USER wrote once, in `language`, two days ago."""
    await whatsapp.say("halo")
    async with whatsapp.app.sessionmaker() as session, session.begin():
        identity = (await session.execute(select(ChannelIdentity).where(ChannelIdentity.external_id == USER))
                    ).scalar_one()
        person = await session.get_one(Artisan, identity.artisan_id)
        person.language = language
    whatsapp.clock.advance(days=2)
    async with whatsapp.app.sessionmaker() as session:
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        return await session.get_one(Artisan, person.id), identity, training


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("kind", [CONFIRM, OFFER, FEEDBACK, ABSENCE, FOLLOWUP, CERTIFICATE])
async def test_each_kind_goes_as_its_template_in_the_persons_language(whatsapp: WhatsApp, kind: str,
                                                                      language: str) -> None:
    person, identity, training = await silent_for_days(whatsapp, language)
    now = whatsapp.clock()
    tell = tell_of(kind, training, now)
    async with whatsapp.app.sessionmaker() as session, session.begin():
        if kind == CERTIFICATE:  # a real one: its PDF is drawn and goes as the template's document header
            await certificate_of(session, person, training, tell)
        queued = await queue(session, person, identity, tell, key=f"{kind}:1", now=now, quiet_hours=None)
        assert queued.row is not None
        row_id = queued.row.id
    requests, uploads = whatsapp.fake.requests, whatsapp.fake.uploads
    assert await whatsapp.app.outbox.run_once() == 1
    assert whatsapp.fake.requests == requests + 1  # the template at once: no free-form try first
    assert whatsapp.fake.uploads == uploads + (kind == CERTIFICATE)  # the certificate's PDF, for its header
    [sent] = whatsapp.fake.to(USER)[-1:]
    config = DEFAULT_WHATSAPP_TEMPLATES[kind]
    template = sent.payload["template"]
    assert sent.type == "template" and template["name"] == config["name"]
    assert template["language"] == {"code": language}
    params = [p["text"] for c in template["components"] if c["type"] == "body" for p in c["parameters"]]
    assert len(params) == len(config["params"]) and training.title in params
    zone = zone_of(training.regency or training.province)
    with use_language(language):
        when = format_when(training.starts_at, zone.zone, zone.name)
        reply = render(tell, now)
    if "when" in config["params"]:
        assert params[config["params"].index("when")] == when  # in their language
    if kind == OFFER:
        with use_language(language):
            assert params[2] == format_when(now + UNTIL, zone.zone, zone.name)
    if kind == CERTIFICATE:
        assert params[1] == tell.text
        [header] = [c for c in template["components"] if c["type"] == "header"]
        document = header["parameters"][0]["document"]
        uploaded = whatsapp.fake.media[document["id"]]
        assert uploaded.content.startswith(b"%PDF") and document["filename"] == uploaded.filename
    else:
        assert not [c for c in template["components"] if c["type"] == "header"]
    quick = [c["parameters"][0]["payload"] for c in template["components"] if c["type"] == "button"]
    assert quick == [b.payload for b in reply.buttons][: config["quick_replies"]]
    assert len(quick) == config["quick_replies"]
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "sent" and row.provider_message_id == sent.id


async def test_inside_the_window_the_question_goes_as_text_with_buttons(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    async with whatsapp.app.sessionmaker() as session, session.begin():
        identity = (await session.execute(select(ChannelIdentity).where(ChannelIdentity.external_id == USER))
                    ).scalar_one()
        person = await session.get_one(Artisan, identity.artisan_id)
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        await queue(session, person, identity, Tell(CONFIRM, training, "KR-ABC123"), key="confirm:1",
                    now=whatsapp.clock(), quiet_hours=None)
    await whatsapp.app.outbox.run_once()
    [sent] = whatsapp.fake.to(USER)[-1:]
    assert sent.type == "interactive:button" and [o[0] for o in sent.options] == ["cf:KR-ABC123:y", "cf:KR-ABC123:n"]


async def test_a_seat_offer_template_is_taken_by_its_quick_reply(whatsapp: WhatsApp) -> None:
    """On the waitlist, silent for two days: the freed seat's offer goes as its template; the tap takes it."""
    person, _identity, training = await silent_for_days(whatsapp, "id")
    app = whatsapp.app
    async with app.sessionmaker() as session, session.begin():
        taken = await session.scalar(select(Registration).where(Registration.training_id == training.id,
                                                                 Registration.status == "registered").limit(1))
        assert taken is not None
        count = len((await session.execute(select(Registration.id).where(
            Registration.training_id == training.id, Registration.status == "registered"))).all())
        found = await session.get_one(Training, training.id)
        found.quota, found.registration_deadline = count, None
    async with app.sessionmaker() as session, session.begin():
        mine = await Registrations(session, app.clock(), app.settings.policy).register(person.id, training.id)
        assert mine.status == "waitlisted"
        code = mine.code
    async with app.sessionmaker() as session, session.begin():
        holder = await session.get_one(Registration, taken.id)
        assert holder.artisan_id is not None
        await Registrations(session, app.clock(), app.settings.policy).cancel(holder.artisan_id, holder.code)
    while await app.outbox.run_once():
        pass
    [offer] = [s for s in whatsapp.fake.to(USER) if s.type == "template"]
    assert offer.payload["template"]["name"] == "kriya_seat_offer"
    assert f"of:{code}:y" in json.dumps(offer.payload)
    await whatsapp.send(quick_reply(f"of:{code}:y", "Ambil kursi"))
    async with app.sessionmaker() as session:
        assert (await session.get_one(Registration, mine.id)).status == "registered"
        assert (await session.scalar(select(SeatOffer.status).where(SeatOffer.registration_id == mine.id))) == "accepted"


async def test_a_template_question_is_answered_in_words_too(whatsapp: WhatsApp) -> None:
    """The confirm template, then "iya insyaallah datang" typed instead of a tap: confirmed."""
    person, _identity, training = await silent_for_days(whatsapp, "id")
    app = whatsapp.app
    async with app.sessionmaker() as session, session.begin():
        registration = await Registrations(session, app.clock(), app.settings.policy).register(person.id, training.id)
        registration_id = registration.id
    whatsapp.clock.now = training.starts_at - timedelta(days=3, minutes=-1)
    from tests.attendance import scheduler_pass

    await scheduler_pass(app)
    await app.outbox.run_once()
    [question] = [s for s in whatsapp.fake.to(USER) if s.type == "template"]
    assert question.payload["template"]["name"] == "kriya_confirm"
    await whatsapp.say("iya insyaallah datang kak")
    async with app.sessionmaker() as session:
        assert (await session.get_one(Registration, registration_id)).confirmation == "confirmed"
        rows = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "notice"))).scalars().all()
    assert [r.status for r in rows if r.dedupe_key.startswith("confirm:")] == ["sent"]


async def test_the_fake_refuses_free_form_text_24_hours_after_the_last_message() -> None:
    now = [datetime(2026, 11, 20, 8, 0)]
    fake = FakeGraph(token=TOKEN, phone_number_id="1", templates={"kriya_confirm": 1}, clock=lambda: now[0])
    text = {"messaging_product": "whatsapp", "to": USER, "type": "text", "text": {"body": "Halo"}}
    template = {"messaging_product": "whatsapp", "to": USER, "type": "template", "template": {
        "name": "kriya_confirm", "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "Batik"}]}]}}
    async with serve(fake.app()) as url, httpx.AsyncClient(base_url=f"{url}/{VERSION}/1",
                                                            headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        fake.heard_from(USER)
        now[0] += timedelta(hours=23, minutes=59)
        assert (await client.post("/messages", json=text)).status_code == 200  # inside the window
        now[0] += timedelta(minutes=1)
        refused = await client.post("/messages", json=text)
        assert refused.status_code == 400 and refused.json()["error"]["code"] == 131047
        assert (await client.post("/messages", json=template)).status_code == 200  # a template still goes
        fake.heard_from(USER)  # they wrote again: the window is open
        assert (await client.post("/messages", json=text)).status_code == 200
    assert fake.violations == []


def test_docs_give_every_default_template_its_body_and_buttons() -> None:
    """docs/whatsapp.md, to submit to Meta: each default's body has as many variables as it has params, in both
    languages, and as many buttons as it passes quick replies."""
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "whatsapp.md").read_text(encoding="utf-8")
    for config in DEFAULT_WHATSAPP_TEMPLATES.values():
        section = docs.split(f"**`{config['name']}`**", 1)[1].split("**`", 1)[0]
        bodies = re.findall(r"^- (id|en): `(.+)`$", section, flags=re.MULTILINE)
        assert [language for language, _body in bodies] == ["id", "en"], config["name"]
        for _language, body in bodies:
            assert sorted(set(re.findall(r"\{\{(\d+)\}\}", body))) == [str(n + 1) for n in range(len(config["params"]))]
        buttons = re.findall(r"^  Buttons: (.+)$", section, flags=re.MULTILINE)
        assert [len(line.split(" · ")) for line in buttons] == ([config["quick_replies"]] * 2 if config["quick_replies"]
                                                                else [])
