"""Routing bugs found in a trial: numbers against every button, short answers naming one option, registration
codes, the guide's step kept, the focus on one training. Each test asserts state, never wording."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core import Button, Reply
from bot.router import match_option, options_of
from db.models import Registration
from tests.channels import ChannelChat, form_step
from tests.dialogues.test_trainings import memory


async def registrations(chat: ChannelChat, status: str | None = None) -> int:
    async with chat.app.sessionmaker() as session:
        query = select(func.count()).select_from(Registration)
        if status:
            query = query.where(Registration.status == status)
        return int(await session.scalar(query) or 0)


# 1. a number typed at the phone step counts every button shown, and a contact button chooses nothing else

def test_remembered_options_are_numbered_like_the_console() -> None:
    reply = Reply("Nomor HP?", (Button("Kirim nomor saya", "", kind="contact"), Button("Batal", "rf:cancel")))
    options = options_of(reply, "console")
    assert [o[1] for o in options] == ["", "rf:cancel"]
    assert match_option("1", options) is None
    assert match_option("2", options) == "rf:cancel"


async def test_one_at_the_phone_step_is_not_cancel(anywhere: ChannelChat) -> None:
    await anywhere.say("info BTK-YK-01")
    await anywhere.tap("Daftar")
    await anywhere.tap("Setuju")
    await anywhere.say("Sari Wulandari")
    if not (await form_step(anywhere) or "").endswith("phone"):
        return  # the channel knows the number (WhatsApp): no phone step
    await anywhere.say("1")
    assert (await form_step(anywhere) or "").endswith("phone")


# 2. "yg kabupaten", "kota aja" among a few options

def test_short_answer_naming_one_option() -> None:
    options = [["Kabupaten Malang", "p:35.07", ""], ["Kota Malang", "p:35.73", ""], ["Batal", "cancel", ""]]
    assert match_option("yg kabupaten", options) == "p:35.07"
    assert match_option("kota aja", options) == "p:35.73"
    assert match_option("malang", options) is None  # in two titles


# 3. a registration code is the registration's, never a training's

async def test_a_registration_code_of_nobody_is_no_training(console: ChannelChat) -> None:
    await console.say("batal KR-JWC4ZD")
    options = (await memory(console)).get("options") or []
    assert [o[1] for o in options if o[1]] == ["my"]


# 5. an option starting with the typed word wins over a keyword (not over STOP)

async def test_mulai_under_a_guide_overview(console: ChannelChat) -> None:
    await console.say("sertifikasi halal")
    await console.say("mulai")
    assert (await memory(console)).get("guide") == {"topic": "halal", "step": 1}


# 6. a question in the middle of a guide keeps its step

async def test_question_in_a_guide_keeps_the_step(console: ChannelChat) -> None:
    await console.say("info BTK-YK-01")
    await console.say("sertifikasi halal")
    await console.say("mulai")
    await console.say("lanjut")
    assert (await memory(console)).get("guide") == {"topic": "halal", "step": 2}
    await console.say("brp lama prosesnya")
    assert (await memory(console)).get("guide") == {"topic": "halal", "step": 2}
    await console.say("lanjut")
    assert (await memory(console)).get("guide") == {"topic": "halal", "step": 3}


# 8. after a question about item 2, follow-ups are about it

async def test_follow_ups_after_asking_about_item_two(console: ChannelChat) -> None:
    await console.say("batik di jogja")
    listed = list((await memory(console)).get("list") or [])
    await console.say("no 2 biayanya brp")
    assert (await memory(console)).get("training") == listed[1]
    await console.say("tempatnya dmn")
    seen = await memory(console)
    assert seen.get("focus") == "training" and seen.get("training") == listed[1]
    assert [o[1] for o in seen.get("options") or [] if o[1].startswith("rg:")] == [f"rg:{listed[1]}"]
