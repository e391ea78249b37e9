"""Updates no person would send but a platform or an attacker might: control characters, absurd nesting."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import Artisan, InboundMessage
from tests.telegram.conftest import CHAT, Kriya


async def test_a_nul_in_the_name_and_text_does_not_lock_the_person_out_on_telegram(kriya: Kriya) -> None:
    await kriya.send(kriya.fake.message(CHAT, "ha\x00lo", first_name="Sa\x00ri"))
    await kriya.send(kriya.fake.message(CHAT, "menu\x00"))
    assert len(kriya.fake.sent(CHAT)) == 2  # both answered, neither an apology of a failed write
    async with kriya.app.sessionmaker() as session:
        assert await session.scalar(select(Artisan.display_name)) == "Sari"
        assert await session.scalar(select(func.count()).select_from(InboundMessage)) == 2


async def test_absurdly_deep_json_is_refused_with_400(kriya: Kriya) -> None:
    deep = b'{"update_id": 1, "message": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    response = await kriya.post(None, raw=deep)
    assert response.status_code == 400
    assert await kriya.count(InboundMessage) == 0
