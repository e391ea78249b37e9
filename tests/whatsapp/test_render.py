"""Rendering replies for WhatsApp: every message fits the documented limits (checked by the fake's validator)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.toolkit import split_tail, split_text
from bot.channels.whatsapp import window_closed
from bot.channels.whatsapp_render import (
    CONTACT_ID,
    TEXT_MAX,
    TemplateError,
    one_line,
    render_reply,
    shorten,
    template_message,
)
from bot.core import Button, ButtonKind, Reply
from bot.delivery import Outgoing
from bot.i18n import use_language
from tests.whatsapp.fake_graph import check_message

TO = "6281234567890"
KINDS: list[ButtonKind] = ["payload", "payload", "payload", "payload", "payload", "payload", "contact", "location",
                          "url"]
WORDS = "kain batik tulis canting malam pewarna alam tenun ikat songket anyaman pandan perak celuk".split()


def valid(messages: list[dict]) -> list[dict]:
    for message in messages:
        assert check_message(message) == [], message
    return messages


def prose(rng: random.Random, paragraphs: int, sentences: int = 6) -> str:
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 16))).capitalize() + "."

    return "\n\n".join(
        "\n".join(" ".join(sentence() for _ in range(rng.randint(1, sentences))) for _ in range(rng.randint(1, 3)))
        for _ in range(paragraphs)
    )


# --- text ------------------------------------------------------------------------------------------

def test_shorten_cuts_at_a_word_with_an_ellipsis() -> None:
    assert shorten("Pelatihan Desain Produk Rajut untuk Pasar Online", 24) == "Pelatihan Desain Produk…"
    assert shorten("Studio Batik Daring: Mengenali Kualitas", 20) == "Studio Batik Daring…"
    assert shorten("Pendek", 20) == "Pendek"
    assert shorten("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert shorten("  banyak \n spasi  ", 20) == "banyak spasi"


def test_split_text_prefers_paragraphs_then_lines_then_sentences_then_words() -> None:
    paragraphs = "A" * 50 + "\n\n" + "B" * 50 + "\n\n" + "C" * 50
    assert split_text(paragraphs, 110) == ["A" * 50 + "\n\n" + "B" * 50, "C" * 50]
    lines = "\n".join(["baris satu " * 4] * 5)
    assert all(chunk.count("\n") < 5 for chunk in split_text(lines, 100))
    sentences = "Kalimat pertama cukup panjang. Kalimat kedua juga panjang! Kalimat ketiga? Ya."
    assert split_text(sentences, 40) == ["Kalimat pertama cukup panjang.", "Kalimat kedua juga panjang!",
                                         "Kalimat ketiga? Ya."]
    assert split_text("satu dua tiga empat lima", 10) == ["satu dua", "tiga empat", "lima"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("\n\n  \n", TEXT_MAX) == []


@pytest.mark.parametrize("seed", range(30))
def test_split_text_keeps_every_word_in_order_within_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    text = prose(rng, rng.randint(1, 40))
    limit = rng.choice([100, 500, 1024, 4096])
    chunks = split_text(text, limit)
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    assert " ".join(chunks).split() == text.split()
    head, tail = split_tail(text, limit)
    assert 0 < len(tail) <= limit and (head + " " + tail).split() == text.split()


def test_split_tail_keeps_whole_paragraphs_with_the_options() -> None:
    text = "Kepala.\n\n" + "Isi panjang. " * 100 + "\n\nPilih salah satu di bawah."
    head, tail = split_tail(text, 1024)
    assert tail == "Pilih salah satu di bawah."
    assert head.startswith("Kepala.")


def test_one_line_for_template_parameters() -> None:
    assert one_line("Pengingat:\nPelatihan batik\n\nBesok\tpukul 09.00") == "Pengingat: Pelatihan batik · Besok pukul 09.00"
    assert one_line("   ") == "-"
    long = one_line("kata " * 400)
    assert len(long) <= 1024 and long.endswith("…") and "\n" not in long


# --- replies ---------------------------------------------------------------------------------------

def test_plain_text_and_long_text() -> None:
    assert valid(render_reply(Reply("Halo!"), TO)) == [{
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": TO, "type": "text",
        "text": {"body": "Halo!", "preview_url": False}}]
    long = prose(random.Random(1), 60)
    parts = valid(render_reply(Reply(long), TO))
    assert len(parts) >= 2 and all(p["type"] == "text" for p in parts)
    assert " ".join(p["text"]["body"] for p in parts).split() == long.split()


def test_up_to_three_short_options_are_reply_buttons() -> None:
    [message] = valid(render_reply(Reply("Mau daftar?", (Button("Daftar", "rg:X"), Button("Menu", "menu"))), TO))
    assert message["interactive"] == {
        "type": "button", "body": {"text": "Mau daftar?"},
        "action": {"buttons": [{"type": "reply", "reply": {"id": "rg:X", "title": "Daftar"}},
                               {"type": "reply", "reply": {"id": "menu", "title": "Menu"}}]},
    }


def test_a_title_too_long_for_a_button_makes_a_list_with_the_whole_title_below() -> None:
    reply = Reply("Pilih:", (Button("Pelatihan Desain Produk Rajut untuk Pasar Online", "td:RJT", "30 Nov"),
                             Button("Menu", "menu")))
    [message] = valid(render_reply(reply, TO))
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert rows[0] == {"id": "td:RJT", "title": "Pelatihan Desain Produk…",
                       "description": "Pelatihan Desain Produk Rajut untuk Pasar Online · 30 Nov"}
    assert rows[1] == {"id": "menu", "title": "Menu"}


def test_four_to_ten_options_are_a_list_and_more_are_numbered_text() -> None:
    ten = tuple(Button(f"Pilihan {n}", f"p:{n}", description="x" * 100) for n in range(1, 11))
    [listed] = valid(render_reply(Reply("Sepuluh", ten), TO))
    assert listed["interactive"]["type"] == "list"
    assert len(listed["interactive"]["action"]["sections"][0]["rows"]) == 10
    eleven = (*ten, Button("Pilihan 11", "p:11"))
    [numbered] = valid(render_reply(Reply("Sebelas", eleven), TO))
    body = numbered["text"]["body"]
    assert body.startswith("Sebelas\n\n1. Pilihan 1\n2. Pilihan 2\n")
    assert "\n11. Pilihan 11\n\nBalas dengan nomor pilihan Anda." in body


def test_same_looking_button_titles_or_unusable_ids_change_the_form() -> None:
    alike = (Button("Batik", "a"), Button("batik", "b"))
    assert valid(render_reply(Reply("?", alike), TO))[0]["interactive"]["type"] == "list"
    too_long_id = (Button("Satu", "x" * 201), Button("Dua", "y"))
    assert valid(render_reply(Reply("?", too_long_id), TO))[0]["type"] == "text"
    twice = (Button("Satu", "same"), Button("Dua", "same"))
    [once] = valid(render_reply(Reply("?", twice), TO))
    assert [b["reply"]["id"] for b in once["interactive"]["action"]["buttons"]] == ["same"]


def test_long_text_with_options_ends_with_the_interactive_part() -> None:
    text = prose(random.Random(7), 50)
    parts = valid(render_reply(Reply(text, (Button("Menu", "menu"),)), TO))
    assert [p["type"] for p in parts[:-1]] == ["text"] * (len(parts) - 1)
    assert parts[-1]["interactive"]["type"] == "button"
    together = " ".join(p["text"]["body"] for p in parts[:-1]) + " " + parts[-1]["interactive"]["body"]["text"]
    assert together.split() == text.split()


def test_contact_location_and_link_buttons() -> None:
    ask_number = Reply("Boleh minta nomor HP?", (Button("Kirim nomor saya", "contact", kind="contact"),
                                                 Button("Lewati", "skip")))
    [message] = valid(render_reply(ask_number, TO))
    assert [b["reply"]["id"] for b in message["interactive"]["action"]["buttons"]] == [CONTACT_ID, "skip"]

    [where] = valid(render_reply(Reply("Di mana Anda?", (Button("Kirim lokasi", "loc", kind="location"),)), TO))
    assert where["interactive"] == {"type": "location_request_message", "body": {"text": "Di mana Anda?"},
                                    "action": {"name": "send_location"}}
    [hint] = valid(render_reply(Reply("Di mana?", (Button("Kirim lokasi", "loc", kind="location"),
                                                   Button("Menu", "menu"))), TO))
    assert "ketuk 📎 (lampiran), lalu pilih Lokasi" in hint["interactive"]["body"]["text"]

    [link] = valid(render_reply(Reply("Info:", (Button("Situs BBSPJIKB", "https://bbkb.kemenperin.go.id",
                                                       kind="url"),)), TO))
    assert link["text"] == {"body": "Info:\n\nSitus BBSPJIKB: https://bbkb.kemenperin.go.id", "preview_url": True}

    many = tuple(Button(f"Opsi {n}", f"o:{n}") for n in range(12))
    [numbered] = valid(render_reply(Reply("Banyak", (*many, Button("Nomor saya", "c", kind="contact"))), TO))
    assert "\n12. Opsi 11\n" in numbered["text"]["body"] and "pilih Kontak" in numbered["text"]["body"]


def test_empty_text_with_options_still_has_a_body() -> None:
    [message] = valid(render_reply(Reply("", (Button("Ya", "y"),)), TO))
    assert message["interactive"]["body"]["text"] == "Silakan pilih:"
    assert render_reply(Reply("   "), TO) == []


@pytest.mark.parametrize("seed", range(40))
def test_random_replies_always_fit_the_limits(seed: int) -> None:
    rng = random.Random(seed)
    buttons = tuple(
        Button(" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8))), f"r:{seed}:{n}",
               description=rng.choice([None, "", prose(rng, 1, 2)]),
               kind=rng.choice(KINDS))
        for n in range(rng.randint(0, 14))
    )
    valid(render_reply(Reply(prose(rng, rng.randint(0, 30)), buttons), TO))


def test_channel_words_follow_the_language() -> None:
    with use_language("en"):
        [message] = render_reply(Reply("Menu", tuple(Button(f"O{n}", f"o{n}") for n in range(5))), TO)
    assert len(message["interactive"]["action"]["button"]) <= 20


# --- templates and the window ----------------------------------------------------------------------

REMINDER = {"name": "kriya_reminder", "language": {"id": "id", "en": "en_US"}, "params": ["text"]}


def test_template_message_maps_text_language_and_quick_replies() -> None:
    reply = Reply("Pengingat:\nBatik besok", (Button("Detail", "td:BTK"), Button("Menu", "menu")))
    message = valid([template_message(TO, {**REMINDER, "quick_replies": 1}, reply, {}, "en")])[0]
    assert message["template"] == {
        "name": "kriya_reminder", "language": {"code": "en_US"},
        "components": [
            {"type": "body", "parameters": [{"type": "text", "text": "Pengingat: Batik besok"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "0",
             "parameters": [{"type": "payload", "payload": "td:BTK"}]},
        ],
    }
    assert template_message(TO, REMINDER, reply, {}, "fr")["template"]["language"] == {"code": "id"}
    named = {"name": "kriya_x", "language": "id", "params": ["training", "first_line"]}
    params = template_message(TO, named, reply, {"template_params": {"training": "Batik\nTulis"}}, "id")
    assert [p["text"] for p in params["template"]["components"][0]["parameters"]] == ["Batik · Tulis", "Pengingat:"]
    assert "components" not in template_message(TO, {"name": "kriya_hello", "params": []}, reply, {}, "id")["template"]


def test_template_configuration_errors_are_explained() -> None:
    reply = Reply("x")
    with pytest.raises(TemplateError, match="parameter 'training'"):
        template_message(TO, {"name": "kriya_x", "params": ["training"]}, reply, {}, "id")
    with pytest.raises(TemplateError, match="lowercase"):
        template_message(TO, {"name": "Kriya Reminder"}, reply, {}, "id")
    with pytest.raises(TemplateError, match="list of names"):
        template_message(TO, {"name": "kriya_x", "params": "text"}, reply, {}, "id")


def test_the_window_is_closed_24_hours_after_the_last_message_for_proactive_kinds_only() -> None:
    now = datetime(2026, 11, 23, 3, tzinfo=UTC)

    def item(kind: str, last: datetime | None, **body: object) -> Outgoing:
        return Outgoing(1, "whatsapp", TO, {"text": "x", **body}, kind=kind, last_inbound_at=last)

    assert not window_closed(item("reminder", now - timedelta(hours=23)), now)
    assert window_closed(item("reminder", now - timedelta(hours=24)), now)
    assert window_closed(item("announcement", None), now)
    assert not window_closed(item("reply", None), now)
    assert window_closed(item("reply", now, whatsapp_template=True), now)
