"""Hostile or broken webhook requests: refused with the right status, nothing stored, nothing crashed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from db.models import Artisan, InboundMessage, OutboxMessage
from tests.whatsapp.conftest import (
    APP_SECRET,
    VERIFY_TOKEN,
    WhatsApp,
    count,
    inbound,
    sign,
    status,
    text,
)


async def stored(whatsapp: WhatsApp) -> tuple[int, int, int]:
    return (await count(whatsapp.app, InboundMessage), await count(whatsapp.app, Artisan),
            await count(whatsapp.app, OutboxMessage))


def value_of(update: dict[str, Any]) -> dict[str, Any]:
    return update["entry"][0]["changes"][0]["value"]


def without(update: dict[str, Any], *path: str) -> dict[str, Any]:
    """The update with the key at `path` (below the first message) removed."""
    target = value_of(update)["messages"][0]
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return update


def changed(update: dict[str, Any], **fields: Any) -> dict[str, Any]:
    value_of(update)["messages"][0].update(fields)
    return update


def ignorable() -> list[tuple[str, Any]]:
    """Well-formed, signed bodies that carry nothing Kriya reads: 200 so Meta does not retry them forever."""
    no_messages = text("halo")
    del value_of(no_messages)["messages"]
    other_number = text("halo")
    value_of(other_number)["metadata"]["phone_number_id"] = "999999999"
    other_field = text("halo")
    other_field["entry"][0]["changes"][0]["field"] = "account_update"
    group = changed(text("halo"), group_id="120363025246125244@g.us")
    return [
        ("empty object", {}),
        ("no entry", {"object": "whatsapp_business_account"}),
        ("entry not a list", {"object": "whatsapp_business_account", "entry": "x"}),
        ("entry without changes", {"object": "whatsapp_business_account", "entry": [{"id": "1"}]}),
        ("change without value", {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages"}]}]}),
        ("another object", {**text("halo"), "object": "page"}),
        ("another field", other_field),
        ("another phone number", other_number),
        ("no messages", no_messages),
        ("messages not a list", {"object": "whatsapp_business_account", "entry": [{"changes": [{
            "field": "messages", "value": {"messages": {"from": "6281234567890", "id": "wamid.x"}}}]}]}),
        ("message without from", without(text("halo"), "from")),
        ("message without id", without(text("halo"), "id")),
        ("from not a number", changed(text("halo"), **{"from": "abc'; DROP TABLE artisans;--"})),
        ("id far too long", changed(text("halo"), id="wamid." + "x" * 500)),
        ("text without body", without(text("halo"), "text", "body")),
        ("text body not a string", changed(text("halo"), text={"body": 42})),
        ("interactive without id", inbound("interactive_list_reply.json", interactive={"type": "list_reply",
                                                                                       "list_reply": {}})),
        ("interactive of another kind", inbound("interactive_list_reply.json", interactive={"type": "nfm_reply"})),
        ("location without numbers", inbound("location_message.json", location={"latitude": "abc"})),
        ("location off the globe", inbound("location_message.json", location={"latitude": 91, "longitude": 0})),
        ("reaction", inbound(type="reaction", reaction={"message_id": "wamid.x", "emoji": "👍"})),
        ("unsupported", inbound(type="unsupported", errors=[{"code": 131051, "title": "Message type unknown"}])),
        ("system", inbound(type="system", system={"body": "changed number"})),
        ("unknown type", inbound(type="hologram", hologram={"x": 1})),
        ("no type", without(text("halo"), "type")),
        ("group message", group),
        ("errors only", inbound("meta_doc_webhook_errors_130429.json")),
        ("status of a message we never sent", status("status_read.json", "wamid.unknown")),
        ("status not a status", {"object": "whatsapp_business_account", "entry": [{"changes": [{
            "field": "messages", "value": {"statuses": [{"id": "wamid.x", "status": "exploded"}, 7, None]}}]}]}),
    ]


@pytest.fixture
async def quiet(whatsapp: WhatsApp) -> AsyncIterator[WhatsApp]:
    """The harness; at the end nothing may have been stored or sent, and the server must still answer."""
    before = await stored(whatsapp)
    yield whatsapp
    await whatsapp.channel.drain()
    assert await stored(whatsapp) == before
    assert whatsapp.fake.sent == []
    assert (await whatsapp.client.get("/healthz")).status_code == 200


async def test_unsigned_and_wrongly_signed_bodies_are_refused(quiet: WhatsApp) -> None:
    body = json.dumps(text("halo")).encode()
    assert (await quiet.post(body, signature=None)).status_code == 401
    assert (await quiet.post(body, signature="")).status_code == 401
    assert (await quiet.post(body, signature="sha1=" + "0" * 40)).status_code == 401
    assert (await quiet.post(body, signature="sha256=not-hex")).status_code == 401
    assert (await quiet.post(body, signature=sign(body, "another-secret"))).status_code == 403
    assert (await quiet.post(body, signature=sign(body + b" "))).status_code == 403
    assert APP_SECRET not in (await quiet.post(body, signature="sha256=" + "0" * 64)).text


async def test_a_wrong_verify_token_or_a_missing_challenge_is_refused(quiet: WhatsApp) -> None:
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN + "x", "hub.challenge": "42"}
    assert (await quiet.client.get("/whatsapp/webhook", params=params)).status_code == 403
    assert (await quiet.client.get("/whatsapp/webhook", params={"hub.mode": "subscribe"})).status_code == 403
    assert (await quiet.client.get("/whatsapp/webhook")).status_code == 403
    no_challenge = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN}
    assert (await quiet.client.get("/whatsapp/webhook", params=no_challenge)).status_code == 400


async def test_malformed_json_is_a_400(quiet: WhatsApp) -> None:
    whole = json.dumps(text("halo")).encode()
    for body in (whole[: len(whole) // 2], b"", b"not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'"halo"',
                 b"null", b"[" * 100_000 + b"]" * 100_000):
        answer = await quiet.post(body)
        assert answer.status_code == 400, (body[:30], answer.status_code)


async def test_oversize_bodies_are_a_413_by_their_length_and_by_what_arrives(quiet: WhatsApp) -> None:
    big = json.dumps({"object": "whatsapp_business_account", "padding": "x" * 1_000_000}).encode()
    assert (await quiet.post(big)).status_code == 413
    assert (await quiet.post(big, signature=None)).status_code == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked, counted as it arrives
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    answer = await quiet.client.post("/whatsapp/webhook", content=chunks(),
                                     headers={"x-hub-signature-256": sign(big), "content-type": "application/json"})
    assert answer.status_code == 413


async def test_well_formed_but_ignorable_updates_get_200_and_change_nothing(quiet: WhatsApp) -> None:
    answers = {case: (await quiet.post(payload)).status_code for case, payload in ignorable()}
    assert answers == dict.fromkeys(answers, 200)
