"""A forged interactive reply id (any string can be sent as one) is refused and stores nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Artisan, Conversation, Registration, Subscription
from tests.whatsapp.conftest import USER, WhatsApp, chose


async def the_person(whatsapp: WhatsApp) -> Artisan:
    async with whatsapp.app.sessionmaker() as session:
        return (await session.execute(select(Artisan).where(Artisan.phone == "+" + USER))).scalar_one()


async def registrations(whatsapp: WhatsApp) -> int:
    async with whatsapp.app.sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(Registration).join(Artisan, Artisan.id == Registration.artisan_id)
            .where(Artisan.is_demo.is_(False))) or 0)


async def question(whatsapp: WhatsApp) -> str | None:
    async with whatsapp.app.sessionmaker() as session:
        return await session.scalar(select(Conversation.state).join(Artisan).where(Artisan.phone == "+" + USER))


async def test_a_forged_region_reply_stores_nothing(whatsapp: WhatsApp) -> None:
    await whatsapp.say("BTK-YK-01")
    await whatsapp.send(chose("rg:BTK-YK-01", "Daftar", kind="button_reply"))
    await whatsapp.send(chose("rf:consent:yes", "Setuju", kind="button_reply"))
    await whatsapp.say("Sari Wulandari")
    await whatsapp.send(chose("rf:craft:batik", "Batik"))
    await whatsapp.send(chose("rf:craft:done", "Selesai"))
    assert await question(whatsapp) == "reg:region"
    for forged in ("rf:region:=1+1", "rf:region:99.99", "rf:region:34", "rf:region:34.04:=1+1"):
        sent = await whatsapp.send(chose(forged, "Kabupaten Sleman"))
        assert sent  # answered (not understood, the question again), not silence
        assert await question(whatsapp) == "reg:region"
        await whatsapp.send(chose("rf:business:skip", "Lewati", kind="button_reply"))
        await whatsapp.send(chose("rf:confirm:yes", "Ya, daftar", kind="button_reply"))
    await whatsapp.send(chose("sub:=1+1:=1+1", "Batik"))
    person = await the_person(whatsapp)
    assert (person.regency, person.province) == (None, None)
    assert await registrations(whatsapp) == 0
    async with whatsapp.app.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Subscription)) == 0
    await whatsapp.say("Kabupaten Sleman")  # the genuine answer still goes through
    await whatsapp.send(chose("rf:business:skip", "Lewati", kind="button_reply"))
    await whatsapp.send(chose("rf:confirm:yes", "Ya, daftar", kind="button_reply"))
    person = await the_person(whatsapp)
    assert (person.regency, person.province) == ("34.04", "34")
    assert await registrations(whatsapp) == 1
