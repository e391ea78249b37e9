"""A registration code typed in the chat ("batal KR-…", "info KR-…") is the person's registration, on every
channel, never looked up as a training."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Registration
from tests.channels import ChannelChat
from tests.test_privacy_everywhere import register


async def my_registration(chat: ChannelChat) -> Registration:
    async with chat.app.sessionmaker() as session:
        return (await session.execute(
            select(Registration).where(Registration.code.like("KR-%")).order_by(Registration.id.desc()).limit(1)
        )).scalar_one()


@pytest.mark.parametrize(("typed", "then"), [("batal {code}", "ya"), ("BATALIN {code} KAK", "iya kak"),
                                             ("cancel {code}", "yes")])
async def test_batal_with_my_registration_code_cancels_it(anywhere: ChannelChat, typed: str, then: str) -> None:
    await register(anywhere)
    code = (await my_registration(anywhere)).code
    await anywhere.say(typed.format(code=code.lower() if "BATALIN" not in typed else code))
    assert (await my_registration(anywhere)).status == "registered"  # asked first
    await anywhere.say(then)
    assert (await my_registration(anywhere)).status == "cancelled"


async def test_info_with_my_registration_code_shows_it_and_changes_nothing(anywhere: ChannelChat) -> None:
    await register(anywhere)
    code = (await my_registration(anywhere)).code
    text = await anywhere.say(f"info {code}")
    assert code in text and (await my_registration(anywhere)).status == "registered"
