"""The dispatcher: de-duplication, state in the database, one error boundary, a lock per person."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import delete, func, select

from bot.app import App, open_app
from bot.config import Settings
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.router import match_option
from db.models import Artisan, ChannelIdentity, Conversation, InboundMessage, OutboxMessage, inbound_key
from tests.conftest import Chat, Clock


def message(text: str, user: str = "u1", message_id: str | None = None, **extra: object) -> IncomingMessage:
    return IncomingMessage(channel="console", user_id=user, message_id=message_id or uuid.uuid4().hex,
                           text=text, **extra)  # type: ignore[arg-type]


async def count(app: App, model: type) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_same_message_is_handled_once(app: App) -> None:
    first = await app.dispatcher.handle(message("/start", message_id="m-1"))
    again = await app.dispatcher.handle(message("/start", message_id="m-1"))
    assert first and "Kriya" in first[0].text
    assert again == []
    assert await count(app, InboundMessage) == 1


async def test_a_message_whose_reply_is_queued_is_handled_once_after_its_id_was_purged(app: App) -> None:
    """Inbound ids are kept a week; a message delivered again later still finds its reply row (the outbox's key
    names the message) and is dropped: no second reply, no second row."""
    msg = IncomingMessage(channel="telegram", user_id="t-old", message_id="m1:1", text="/start")
    first = await app.dispatcher.handle_queued(msg)
    async with app.sessionmaker() as session, session.begin():
        await session.execute(delete(InboundMessage))  # what the purge does after INBOUND_KEPT
    again = await app.dispatcher.handle_queued(msg)
    assert first and first[0].outbox_id and again == []
    assert await count(app, OutboxMessage) == len(first)
    assert await count(app, InboundMessage) == 0  # the second try was rolled back whole


async def test_one_person_across_messages_and_channels_are_separate(app: App) -> None:
    await app.dispatcher.handle(message("/start", user="a"))
    await app.dispatcher.handle(message("menu", user="a"))
    await app.dispatcher.handle(IncomingMessage(channel="telegram", user_id="a", message_id="t1", text="/start"))
    assert await count(app, Artisan) == 2
    assert await count(app, ChannelIdentity) == 2


async def test_state_survives_a_restart(database_url: str, clock: Clock) -> None:
    settings = Settings(database_url=database_url)
    async with open_app(settings, clock=clock, migrate=False) as first:
        from db.seed import seed_demo

        async with first.sessionmaker() as session, session.begin():
            await seed_demo(session, clock())
        chat = Chat(first, user="restart-user")
        await chat.say("/pelatihan")
        listed = chat.replies[0].buttons[1].title
    async with open_app(settings, clock=clock, migrate=False) as second:  # a new process on the same database
        chat = Chat(second, user="restart-user")
        await chat.say("2")  # the option numbers of the last reply are remembered in the database
        assert chat.text.startswith(listed)
        assert "Kode:" in chat.text


async def test_an_error_is_answered_with_an_apology_and_nothing_but_the_message_id_is_written(app: App) -> None:
    async def broken(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        ctx.state.enter("broken", half="written")
        ctx.person.full_name = "should not stay"
        raise RuntimeError("boom")

    app.dispatcher.router.command("rusak", broken)
    await app.dispatcher.handle(message("/bahasa", user="e"))
    await app.dispatcher.handle(IncomingMessage(channel="console", user_id="e", message_id="x", payload="lang:en"))
    replies = await app.dispatcher.handle(message("/rusak", user="e", message_id="bad-1"))
    assert len(replies) == 1 and replies[0].text.startswith("Sorry")  # in the person's language
    async with app.sessionmaker() as session:
        person = (await session.execute(select(Artisan))).scalar_one()
        conversation = await session.get(Conversation, person.id)
        assert person.full_name is None
        assert conversation is not None and conversation.state is None
        assert await session.scalar(select(func.count()).where(InboundMessage.message_id == inbound_key("console", "bad-1"))) == 1  # a retry is a duplicate


async def test_messages_of_one_person_are_handled_one_at_a_time(app: App) -> None:
    running = 0
    overlap = 0

    async def slow(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        nonlocal running, overlap
        running += 1
        overlap = max(overlap, running)
        await asyncio.sleep(0.02)
        ctx.state.memory["count"] = int(ctx.state.memory.get("count", 0)) + 1
        running -= 1
        return [Reply(str(ctx.state.memory["count"]))]

    app.dispatcher.router.command("lambat", slow)
    await app.dispatcher.handle(message("/start", user="p"))
    results = await asyncio.gather(*(app.dispatcher.handle(message("/lambat", user="p")) for _ in range(5)))
    assert overlap == 1
    assert sorted(int(r[0].text) for r in results) == [1, 2, 3, 4, 5]  # no update was lost


def test_options_match_by_number_or_title() -> None:
    options = [["Pelatihan", "tl"], ["Sertifikasi", "cert"]]
    assert match_option("2", options) == "cert"
    assert match_option(" pelatihan. ", options) == "tl"
    assert match_option("3", options) is None
    assert match_option("pelatihan batik", options) is None


async def test_options_are_chosen_by_number(chat: Chat) -> None:
    await chat.say("/start")
    assert chat.titles[:2] == ["Pelatihan", "Sertifikasi"]
    await chat.say("2")
    assert "Panduan sertifikasi" in chat.text


async def test_a_long_or_empty_message_gets_a_polite_answer(chat: Chat) -> None:
    await chat.say("a" * 5000)
    assert "Maaf" in chat.text
    await chat.send(media="image")
    assert "gambar" in chat.text


def test_buttons_carry_short_payloads() -> None:
    assert Button("x", "td:BTK-YK-01").as_dict() == {"title": "x", "payload": "td:BTK-YK-01"}
