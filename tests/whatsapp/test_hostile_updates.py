"""Updates no person would send but a platform or an attacker might: control characters, absurd nesting."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Artisan
from tests.whatsapp.conftest import WhatsApp, text


async def test_a_nul_in_the_profile_name_does_not_lock_the_person_out_on_whatsapp(whatsapp: WhatsApp) -> None:
    assert len(await whatsapp.send(text("ha\x00lo", profile="Sa\x00ri"))) == 1
    assert len(await whatsapp.send(text("menu", profile="Sa\x00ri"))) == 1
    async with whatsapp.app.sessionmaker() as session:
        assert await session.scalar(select(Artisan.display_name).where(Artisan.is_demo.is_(False))) == "Sari"


async def test_absurdly_deep_json_on_whatsapp_is_400(whatsapp: WhatsApp) -> None:
    deep = b'{"object": "whatsapp_business_account", "entry": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    assert (await whatsapp.post(deep)).status_code == 400
