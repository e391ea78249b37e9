"""A forged callback_data (any client can send any string on a bot's message) is refused and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Artisan, ChannelIdentity, Conversation, Registration
from tests.telegram.conftest import CHAT, Kriya


async def the_person(kriya: Kriya) -> tuple[Artisan, str | None]:
    async with kriya.app.sessionmaker() as session:
        person = (await session.execute(
            select(Artisan).join(ChannelIdentity).where(ChannelIdentity.channel == "telegram",
                                                        ChannelIdentity.external_id == str(CHAT)))).scalar_one()
        state = await session.scalar(select(Conversation.state).where(Conversation.artisan_id == person.id))
        return person, state


@pytest.mark.catalogue
async def test_a_forged_region_callback_stores_nothing(kriya: Kriya) -> None:
    fake = kriya.fake
    await kriya.send(fake.message(CHAT, "BTK-YK-01"))
    await kriya.send(fake.tap(CHAT, "Daftar"))
    await kriya.send(fake.tap(CHAT, "Setuju"))
    await kriya.send(fake.message(CHAT, "Sari Wulandari"))
    await kriya.send(fake.message(CHAT, "0812 3456 7890"))
    await kriya.send(fake.tap(CHAT, "Batik"))
    message_id, _button = fake.button(CHAT, "Selesai")
    await kriya.send(fake.tap(CHAT, "Selesai"))
    for forged in ("rf:region:=1+1", "rf:region:99.99", "rf:region:34"):
        await kriya.send(fake.callback(CHAT, forged, message_id))  # on the crafts message, whose buttons it forges
        await kriya.send(fake.callback(CHAT, "rf:business:skip", message_id))
        await kriya.send(fake.callback(CHAT, "rf:confirm:yes", message_id))
    person, state = await the_person(kriya)
    assert (person.regency, person.province, state) == (None, None, "reg:region")
    assert await registrations(kriya) == 0
    await kriya.send(fake.message(CHAT, "Kabupaten Sleman"))  # the genuine answer still goes through
    await kriya.send(fake.tap(CHAT, "Lewati"))
    await kriya.send(fake.tap(CHAT, "Ya, daftar"))
    person, state = await the_person(kriya)
    assert (person.regency, person.province, state) == ("34.04", "34", None)
    assert await registrations(kriya) == 1


async def registrations(kriya: Kriya) -> int:
    """Registrations of real people (the demo catalogue holds some of placeholders)."""
    async with kriya.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Registration)
                                        .join(Artisan, Artisan.id == Registration.artisan_id)
                                        .where(Artisan.is_demo.is_(False))) or 0)
