"""End to end on WhatsApp (the fake Graph API on 127.0.0.1): someone who wrote to Kriya on WhatsApp is added by an
organizer in the console by their phone number, and the notice reaches them on WhatsApp; cancelled with a
reason, that reaches them too. On SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from bot.organizers import accounts
from db.models import Organizer, Registration, Training
from tests.organizers.conftest import PASSWORD, PASSWORD_HASH, csrf_of, sign_in
from tests.whatsapp.conftest import USER, WhatsApp, whatsapp  # noqa: F401  (the fixture)

TRAINING = "BTK-YK-01"  # a demo training with free seats


async def staff_of_the_training(harness: WhatsApp) -> str:
    async with harness.app.sessionmaker() as session, session.begin():
        organizer = (await session.execute(
            select(Organizer).join(Training, Training.organizer_id == Organizer.id).where(Training.code == TRAINING)
        )).scalar_one()
        account = await accounts.add_staff(session, "petugas@balai.example", organizer.name, "staff", None)
        account.password_hash = PASSWORD_HASH
    return "petugas@balai.example"


async def test_a_nominee_who_chats_on_whatsapp_is_told_there(whatsapp: WhatsApp) -> None:  # noqa: F811
    await whatsapp.say("halo")  # they wrote to Kriya on WhatsApp: their identity is their number
    email = await staff_of_the_training(whatsapp)
    console = httpx.AsyncClient(base_url=str(whatsapp.client.base_url), timeout=10)
    async with console:
        assert (await sign_in(console, email, PASSWORD)).status_code == 303
        form = await console.get(f"/console/trainings/{TRAINING}/registrants/new")
        added = await console.post(f"/console/trainings/{TRAINING}/registrants", data={
            "csrf": csrf_of(form.text), "name": "Sari Rahayu", "phone": "0812-3456-7890",
            "regency": "Kota Yogyakarta", "crafts": ["batik"]})
        assert added.status_code == 303 and "told=1" in added.headers["location"]
        async with whatsapp.app.sessionmaker() as session:
            registration = (await session.execute(select(Registration).join(Training).where(
                Training.code == TRAINING).order_by(Registration.id.desc()).limit(1))).scalar_one()
        before = len(whatsapp.fake.sent)
        assert await whatsapp.app.outbox.run_once() == 1
        notice, options = whatsapp.fake.sent[before:]  # the ticket (a QR image with the text), then its buttons
        assert notice.to == USER and notice.type == "image" and registration.code in notice.body
        assert options.to == USER and options.type == "interactive:button"

        cancelled = await console.post(f"/console/trainings/{TRAINING}/registrants/cancel", data={
            "csrf": csrf_of(form.text), "registration": registration.code, "reason": "Kuota kabupaten sudah terisi"})
        assert cancelled.status_code == 303
    before = len(whatsapp.fake.sent)
    assert await whatsapp.app.outbox.run_once() == 1
    [removed] = whatsapp.fake.sent[before:]
    assert removed.to == USER and "Kuota kabupaten sudah terisi" in removed.body
