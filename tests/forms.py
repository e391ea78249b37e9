"""Getting a person into the registration form in a test: open a training's form, then answer its questions
on whichever chat the test holds (`tests.conftest.Chat` or a `tests.channels.ChannelChat`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

DEMO_CODE = "BTK-YK-01"  # a demo training open for registration


class Talking(Protocol):
    """What these helpers need of a chat: its channel, saying something and tapping a button."""

    channel: str

    async def say(self, text: str) -> Any: ...

    async def tap(self, title: str) -> Any: ...


async def open_form(chat: Talking, code: str = DEMO_CODE) -> None:
    """Open the training, choose to register, agree: the form asks the name."""
    await chat.say(code)
    await chat.tap("Daftar")
    await chat.tap("Setuju")


async def answer_contact(chat: Talking, name: str, phone: str) -> None:
    """Answer the name, then the phone (WhatsApp knows the number and does not ask it)."""
    await chat.say(name)
    if chat.channel != "whatsapp":
        await chat.say(phone)


async def fill_form(chat: Talking, name: str, phone: str, crafts: Sequence[str] = ("Batik",),
                    region: str = "Sleman", business: str | None = None, code: str = DEMO_CODE) -> None:
    """Open the training and answer every question of a first registration by its buttons, up to the summary
    (no business name: "Lewati")."""
    await open_form(chat, code)
    await answer_contact(chat, name, phone)
    await answer_the_rest(chat, crafts, region, business)


async def answer_the_rest(chat: Talking, crafts: Sequence[str], region: str, business: str | None) -> None:
    """After the name and phone: the crafts by their buttons, the region, the business name (None: "Lewati")."""
    for craft in crafts:
        await chat.tap(craft)
    await chat.tap("Selesai")
    await chat.say(region)
    if business is None:
        await chat.tap("Lewati")
    else:
        await chat.say(business)
