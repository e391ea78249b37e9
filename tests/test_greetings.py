"""Greeting again and leaving: a short hello when the welcome is on screen, a goodbye when the chat ends."""

from __future__ import annotations

import io

import pytest

from bot.app import App
from bot.channels.console import Console
from tests.conftest import Chat, Clock


async def test_halo_later_in_a_conversation_is_a_short_greeting_with_the_menu(chat: Chat, clock: Clock) -> None:
    await chat.say("halo")
    welcome = chat.replies[-1]
    for words in ("halo", "HALO KAK", "hai"):
        await chat.say(words)
        again = chat.replies[-1]
        assert len(chat.replies) == 1 and len(again.text) < len(welcome.text) / 2
        assert [b.payload for b in again.buttons] == [b.payload for b in welcome.buttons]  # the main choices
    clock.advance(days=1)
    await chat.say("halo")
    assert chat.replies[-1].text == welcome.text  # a day later: the whole welcome again


@pytest.mark.parametrize("leave", ["keluar", "exit", None])
async def test_leaving_the_terminal_chat_says_goodbye(demo_app: App, monkeypatch: pytest.MonkeyPatch,
                                                      leave: str | None) -> None:
    lines = iter(["halo", *([leave] if leave else [])])

    def typed(_prompt: str = "") -> str:
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr("builtins.input", typed)
    out = io.StringIO()
    await Console(demo_app.dispatcher, user="goodbye-1", out=out).run_terminal()
    last = out.getvalue().strip().splitlines()[-1]
    assert last and "1." not in last  # the last line is a goodbye, not the menu
    english = io.StringIO()
    lines = iter(["keluar"])
    await Console(demo_app.dispatcher, user="goodbye-2", language="en", out=english).run_terminal()
    assert english.getvalue().strip().splitlines()[-1] != last  # in the person's language
