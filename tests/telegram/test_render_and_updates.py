"""Rendering replies for the Bot API and reading updates, without a server."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from bot.channels.telegram import COMMANDS, command_menu
from bot.channels.telegram_render import (
    MAX_TEXT,
    RenderError,
    inline_keyboard,
    render,
    split_text,
    utf16_len,
)
from bot.channels.telegram_updates import normalize_phone, to_incoming
from bot.channels.toolkit import Recent
from bot.core import Button, Reply
from tests.telegram.conftest import CHAT, TOKEN
from tests.telegram.fake_bot_api import FakeBotApi


@pytest.fixture
def fake() -> FakeBotApi:  # only its update builders are used here: no server
    return FakeBotApi(TOKEN)


def read(update: dict[str, Any]) -> Any:
    return to_incoming(Update.de_json(update, None))


# --- splitting --------------------------------------------------------------------------------------

def test_short_text_is_one_part() -> None:
    assert split_text("Halo!") == ["Halo!"]


def test_split_prefers_paragraphs_then_lines_then_words() -> None:
    paragraphs = ["a" * 3000, "b" * 3000, "c" * 100]
    assert split_text("\n\n".join(paragraphs)) == ["a" * 3000, "b" * 3000 + "\n\n" + "c" * 100]
    lines = "\n".join(["x" * 1000] * 9)  # no blank line: cut at a line end
    parts = split_text(lines)
    assert [len(p) for p in parts] == [4003, 4003, 1000]  # four whole lines, four, one
    assert "\n".join(parts) == lines
    words = " ".join(["kata"] * 2000)  # one long line
    parts = split_text(words)
    assert all(len(p) <= MAX_TEXT for p in parts) and " ".join(parts) == words
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)


def test_a_text_without_any_boundary_is_cut_hard() -> None:
    parts = split_text("x" * 10000)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_limits_count_utf16_units_like_telegram() -> None:
    text = "🧵" * 3000  # each emoji is two UTF-16 units: 6000 units
    parts = split_text(text)
    assert len(parts) == 2 and all(utf16_len(p) <= MAX_TEXT for p in parts) and "".join(parts) == text


# --- keyboards --------------------------------------------------------------------------------------

def test_buttons_become_an_inline_keyboard_short_ones_paired() -> None:
    reply = Reply("Pilih", (
        Button("Batik Tulis Dasar untuk Pemula", "td:BTK-YK-01", description="5 Des"),
        Button("Berikutnya", "tl:o=5"),
        Button("Sebelumnya", "tl:o=0"),
        Button("Situs", "https://example.org", kind="url"),
    ))
    [part] = render(reply)
    assert isinstance(part.markup, InlineKeyboardMarkup)
    rows = [[b.to_dict() for b in row] for row in part.markup.inline_keyboard]
    assert rows[0] == [{"text": "Batik Tulis Dasar untuk Pemula (5 Des)", "callback_data": "td:BTK-YK-01"}]
    assert [b["text"] for b in rows[1]] == ["Berikutnya", "Sebelumnya"]
    assert rows[2] == [{"text": "Situs", "url": "https://example.org"}]


@pytest.mark.parametrize("payload", ["", "x" * 65, "é" * 33])
def test_callback_data_must_fit_64_bytes(payload: str) -> None:
    with pytest.raises(RenderError):
        inline_keyboard((Button("A", payload),))
    inline_keyboard((Button("A", "é" * 32),))  # 64 bytes: fine


def test_contact_and_location_make_a_reply_keyboard() -> None:
    reply = Reply("Nomor HP?", (
        Button("Kirim nomor saya", "phone", kind="contact"),
        Button("Batal", "menu"),
        Button("Bantuan", "help"),
        Button("Panduan", "https://example.org/p", kind="url"),
    ))
    [part] = render(reply)
    assert isinstance(part.markup, ReplyKeyboardMarkup)
    assert part.markup.to_dict()["keyboard"] == [
        [{"text": "Kirim nomor saya", "request_contact": True}],
        [{"text": "Batal"}, {"text": "Bantuan"}],
    ]
    assert part.text.endswith("Panduan: https://example.org/p")  # no link buttons in a reply keyboard
    assert not part.inline


def test_after_a_shared_contact_the_reply_keyboard_is_removed() -> None:
    [part] = render(Reply("Terima kasih, nomor Anda tersimpan."), remove_keyboard=True)
    assert isinstance(part.markup, ReplyKeyboardRemove)
    [part] = render(Reply("Lanjut?", (Button("Ya", "yes"),)), remove_keyboard=True)
    assert isinstance(part.markup, InlineKeyboardMarkup)  # one keyboard per message: the options win


def test_long_replies_keep_the_buttons_on_the_last_part() -> None:
    parts = render(Reply("\n\n".join(["a" * 3000, "b" * 3000]), (Button("Menu", "menu"),)))
    assert [p.markup is None for p in parts] == [True, False]


def test_an_empty_text_still_shows_the_buttons() -> None:
    [part] = render(Reply("", (Button("Menu", "menu"),)))
    assert part.text.strip() and part.markup is not None


# --- the command menu -------------------------------------------------------------------------------

def test_the_command_menu_in_both_languages() -> None:
    indonesian, english = command_menu("id"), command_menu("en")
    assert [c.command for c in indonesian] == [c[0] for c in COMMANDS] == [c.command for c in english]
    assert indonesian[2].description == "Pelatihan mendatang" and english[2].description == "Upcoming trainings"
    assert all(1 <= len(c.description) <= 256 for c in indonesian + english)


# --- updates ----------------------------------------------------------------------------------------

def test_a_text_message(fake: FakeBotApi) -> None:
    update = fake.message(CHAT, "/start BTK-YK-01", first_name="Sari", language_code="en")
    msg = read(update)
    assert (msg.channel, msg.user_id, msg.text, msg.name, msg.language) == (
        "telegram", str(CHAT), "/start BTK-YK-01", "Sari", "en")
    assert msg.message_id == f"m{CHAT}:{update['message']['message_id']}"
    assert msg.received_at is not None and msg.received_at.tzinfo is not None


def test_a_button_tap(fake: FakeBotApi) -> None:
    update = fake.callback(CHAT, "tl:o=5", message_id=42)
    msg = read(update)
    assert msg.payload == "tl:o=5" and msg.text is None
    assert msg.message_id == f"cb:{update['callback_query']['id']}"
    assert msg.meta["reply_context"] == {"chat_id": CHAT, "message_id": 42}


def test_contacts_locations_and_media(fake: FakeBotApi) -> None:
    own = read(fake.contact(CHAT, "+62 812 0000 1111", user_id=CHAT))
    assert own.contact.phone == "6281200001111" and own.meta["reply_context"]["remove_keyboard"]
    foreign = read(fake.contact(CHAT, "+62 812 0000 2222", user_id=CHAT + 5))
    assert foreign.contact is None and foreign.media == "contact" and "2222" not in repr(foreign)
    venue = read(fake.message(CHAT, location={"latitude": -8.5, "longitude": 115.26},
                              venue={"location": {"latitude": -8.5, "longitude": 115.26}, "title": "Celuk",
                                     "address": "Gianyar"}))
    assert (venue.location.latitude, venue.location.longitude) == (-8.5, 115.26)
    photo = read(fake.photo(CHAT, caption="berapa harga yang pas?"))
    assert photo.media == "image" and photo.text == "berapa harga yang pas?"
    document = read(fake.message(CHAT, document={"file_id": "d", "file_unique_id": "d"}))
    assert document.media == "document"
    gif = read(fake.message(CHAT, animation={"file_id": "a", "file_unique_id": "a", "width": 1, "height": 1,
                                             "duration": 1}, document={"file_id": "a", "file_unique_id": "a"}))
    assert gif.media == "video"


def test_what_is_ignored(fake: FakeBotApi) -> None:
    assert read(fake.message(CHAT, "hi", kind="edited_message")) is None
    assert read(fake.message(-100, "hi", kind="channel_post", chat_type="channel")) is None
    assert read(fake.message(-5, "hi", chat_type="group", from_id=CHAT)) is None
    bot_update = fake.message(CHAT, "hi")
    bot_update["message"]["from"]["is_bot"] = True
    assert read(bot_update) is None
    game = fake.callback(CHAT, "x", message_id=1)
    del game["callback_query"]["data"]
    assert read(game) is None


def test_phone_numbers_are_digits() -> None:
    assert normalize_phone("+62 (812) 3456-7890") == "6281234567890"


def test_recent_ids_forget_the_oldest() -> None:
    recent: Recent[int] = Recent(size=2)
    assert recent.add(1) and recent.add(2) and not recent.add(1)
    assert recent.add(3)  # 2 was the least recently seen
    assert recent.add(2) and not recent.add(3)
