"""Reading webhook bodies (the real samples) into IncomingMessages and status updates; checking signatures."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.channels.toolkit import WebhookRejected, load_json
from bot.channels.whatsapp_render import CONTACT_ID
from bot.channels.whatsapp_webhook import check_signature, parse_update
from bot.core import IncomingMessage, Location, SharedContact
from tests.whatsapp.conftest import PHONE_NUMBER_ID, USER, inbound, sign, status
from tests.whatsapp.fake_graph import fixture


def one(payload: dict[str, Any]) -> IncomingMessage:
    update = parse_update(payload, PHONE_NUMBER_ID)
    assert len(update.messages) == 1, update
    return update.messages[0]


def test_a_text_message_from_the_samples() -> None:
    message = one(fixture("text_message.json") | {})
    assert message.channel == "whatsapp" and message.user_id == "972987654321"
    assert message.message_id == "wamid.xyzxyz" and message.text == "Body Text"
    assert message.phone == "+972987654321" and message.name == "Test Name" and message.language is None
    assert message.received_at == datetime.fromtimestamp(1697043223, UTC)
    meta_doc = parse_update(fixture("meta_doc_text_message.json"), None).messages[0]
    assert meta_doc.text == "Does it come in another color?" and meta_doc.name == "Sheena Nelson"


def test_replies_to_buttons_lists_and_template_quick_replies_carry_the_payload() -> None:
    button = one(inbound("interactive_button_reply.json"))
    assert (button.payload, button.text) == ("callback_data", "title")
    listed = one(inbound("interactive_list_reply.json"))
    assert (listed.payload, listed.text) == ("callback_data", "title")
    quick = one(inbound("template_quick_reply_button.json"))
    assert (quick.payload, quick.text) == ("callback_data", "title")
    mine = one(inbound("interactive_button_reply.json", interactive={
        "type": "button_reply", "button_reply": {"id": CONTACT_ID, "title": "Kirim nomor saya"}}))
    assert mine.contact == SharedContact(phone="+" + USER, name="Sari") and mine.payload is None


def test_location_contacts_and_media() -> None:
    place = one(inbound("location_message.json"))
    assert place.location == Location(37.4611978, -122.2164385)
    assert place.meta["name"] == "Facebook HQ" and place.text is None
    card = {"name": {"formatted_name": "Budi"}, "phones": [{"phone": "+62 812-3456-7891", "type": "CELL"}]}
    contact = one(inbound(type="contacts", contacts=[{"name": {"formatted_name": "Tanpa nomor"}}, card]))
    assert contact.contact == SharedContact(phone="+6281234567891", name="Budi")
    assert contact.meta["foreign_contact"] is True  # not the sender's own number
    own = {"name": {"formatted_name": "Sari"}, "phones": [{"phone": "+62 812-3456-7890", "wa_id": USER}]}
    mine = one(inbound(type="contacts", contacts=[own]))
    assert mine.contact == SharedContact(phone="+" + USER, name="Sari") and "foreign_contact" not in mine.meta
    empty_card = one(inbound(type="contacts", contacts=[{"name": {"formatted_name": "Tanpa nomor"}}]))
    assert empty_card.media == "contacts" and empty_card.contact is None
    image = one(inbound("image_message.json"))
    assert image.media == "image" and image.text is None
    for kind in ("audio", "video", "document", "sticker"):
        fields: dict[str, Any] = {"type": kind, kind: {"id": "1", "mime_type": "x/y", "caption": "lihat ini"}}
        media = one(inbound(**fields))
        assert media.media == kind and media.text == "lihat ini"  # the caption is read, as on Telegram


def test_statuses_from_the_samples() -> None:
    for name, expected in (("status_sent.json", "sent"), ("status_delivered.json", "delivered"),
                           ("status_read.json", "read")):
        [update] = parse_update(fixture(name), None).statuses
        assert (update.message_id, update.status, update.error) == ("wamid.xyzxyz", expected, "")
    [failed] = parse_update(fixture("status_failed.json"), None).statuses
    assert failed.status == "failed" and failed.error == "130472 User's number is part of an experiment"
    [closed] = parse_update(status("status_failed_131047_CONSTRUCTED.json", "wamid.a"), PHONE_NUMBER_ID).statuses
    assert closed.error_code == 131047 and closed.error == "131047 Re-engagement message"


def test_updates_for_another_number_are_left_alone() -> None:
    update = parse_update(inbound(), "5550000")
    assert update.messages == [] and update.ignored == 1


def test_signatures_are_the_hmac_of_the_raw_body() -> None:
    body = b'{"object": "whatsapp_business_account"}'
    check_signature("secret", body, sign(body, "secret"))
    check_signature("secret", body, sign(body, "secret").upper().replace("SHA256=", "sha256="))
    for header, code in ((None, 401), ("", 401), ("sha256=abc", 401), ("md5=" + "0" * 64, 401),
                         (sign(body, "other"), 403), (sign(body + b"\n", "secret"), 403)):
        with pytest.raises(WebhookRejected) as refused:
            check_signature("secret", body, header)
        assert refused.value.status == code


def test_load_json_refuses_what_is_not_an_object() -> None:
    assert load_json(b'{"a": 1}') == {"a": 1}
    for body in (b"", b"{", b"[]", b"1", b"[" * 50_000 + b"]" * 50_000):
        with pytest.raises(WebhookRejected) as refused:
            load_json(body)
        assert refused.value.status == 400
