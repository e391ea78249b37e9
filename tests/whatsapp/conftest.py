"""The WhatsApp harness: Kriya served by uvicorn on 127.0.0.1, talking to a fake Graph API, fed signed webhooks."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.app import App, open_app
from bot.channels.whatsapp import WhatsAppChannel
from bot.config import DEFAULT_WHATSAPP_TEMPLATES, Settings
from bot.web import create_web_app
from db.models import OutboxMessage
from tests.conftest import Clock
from tests.whatsapp.fake_graph import VERSION, FakeGraph, Sent, fixture, serve

PHONE_NUMBER_ID = "1122334455667"
TOKEN = "test-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
USER = "6281234567890"
TEMPLATES = {
    "reminder": {"name": "kriya_reminder", "language": {"id": "id", "en": "en"}, "params": ["text"]},
    "notice": {"name": "kriya_notice", "language": {"id": "id", "en": "en"}, "params": ["first_line", "rest"]},
}
# What the fake Graph API knows: name -> parameter count, and quick-reply buttons (the defaults as documented)
APPROVED = {"kriya_reminder": 1, "kriya_notice": 2,
            **{t["name"]: len(t["params"]) for t in DEFAULT_WHATSAPP_TEMPLATES.values()}}
APPROVED_BUTTONS = {t["name"]: t["quick_replies"] for t in DEFAULT_WHATSAPP_TEMPLATES.values()}
APPROVED_HEADERS = {t["name"]: t["header"] for t in DEFAULT_WHATSAPP_TEMPLATES.values() if t.get("header")}


def new_wamid() -> str:
    return "wamid." + uuid.uuid4().hex


def inbound(name: str = "text_message.json", *, user: str = USER, profile: str | None = "Sari",
            wamid: str | None = None, **fields: Any) -> dict[str, Any]:
    """A webhook body from a real sample, addressed to our number, from `user`, with message fields replaced."""
    data = fixture(name)
    value = data["entry"][0]["changes"][0]["value"]
    value["metadata"]["phone_number_id"] = PHONE_NUMBER_ID
    for contact in value.get("contacts", []):
        contact["wa_id"] = user
        if profile is None:
            contact.pop("profile", None)
        else:
            contact["profile"]["name"] = profile
    for message in value.get("messages", []):
        message["from"] = user
        message["id"] = wamid or new_wamid()
        if "type" in fields:
            message.pop(message["type"], None)
        message.update(copy.deepcopy(fields))
    return data


def text(body: str, **kwargs: Any) -> dict[str, Any]:
    return inbound("text_message.json", text={"body": body}, **kwargs)


def chose(option_id: str, title: str = "pilihan", kind: str = "list_reply", **kwargs: Any) -> dict[str, Any]:
    """A list row or reply button chosen (interactive list_reply / button_reply)."""
    name = "interactive_list_reply.json" if kind == "list_reply" else "interactive_button_reply.json"
    return inbound(name, interactive={"type": kind, kind: {"id": option_id, "title": title}}, **kwargs)


def quick_reply(payload: str, title: str = "pilihan", **kwargs: Any) -> dict[str, Any]:
    """A quick-reply button of a template tapped (type button, its payload and text)."""
    return inbound("template_quick_reply_button.json", type="button", button={"payload": payload, "text": title},
                   **kwargs)


def status(name: str, message_id: str, user: str = USER) -> dict[str, Any]:
    """A status webhook from a real sample, for the message `message_id`."""
    data = fixture(name)
    value = data["entry"][0]["changes"][0]["value"]
    value["metadata"]["phone_number_id"] = PHONE_NUMBER_ID
    for item in value["statuses"]:
        item["id"], item["recipient_id"] = message_id, user
    return data


def senders(payload: Any) -> list[str]:
    """Who wrote the messages of a webhook body (hostile bodies have none)."""
    found: list[str] = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else []:
            value = change.get("value") if isinstance(change, dict) else None
            messages = value.get("messages") if isinstance(value, dict) else None
            for message in messages if isinstance(messages, list) else []:
                if isinstance(message, dict) and isinstance(message.get("from"), str):
                    found.append(message["from"])
    return found


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def count(app: App, model: type) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def outbox_rows(app: App) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def outbox_row(app: App, row_id: int) -> OutboxMessage:
    async with app.sessionmaker() as session:
        return await session.get_one(OutboxMessage, row_id)


@dataclass
class WhatsApp:
    """Kriya's web process over real HTTP, and the fake Graph API it sends to."""

    app: App
    fake: FakeGraph
    client: httpx.AsyncClient
    clock: Clock

    @property
    def channel(self) -> WhatsAppChannel:
        channel = self.app.channel("whatsapp")
        assert isinstance(channel, WhatsAppChannel)
        return channel

    async def post(self, payload: dict[str, Any] | bytes, signature: str | None = "valid",
                   headers: dict[str, str] | None = None) -> httpx.Response:
        """POST a webhook body (signed with the app secret unless `signature` says otherwise)."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        for user in senders(payload):
            self.fake.heard_from(user)
        sent = {"content-type": "application/json", **(headers or {})}
        if signature == "valid":
            sent["x-hub-signature-256"] = sign(body)
        elif signature is not None:
            sent["x-hub-signature-256"] = signature
        return await self.client.post("/whatsapp/webhook", content=body, headers=sent)

    async def send(self, payload: dict[str, Any]) -> list[Sent]:
        """POST a signed update, wait for the replies it causes, and return them (as the fake received them)."""
        before = len(self.fake.sent)
        response = await self.post(payload)
        assert response.status_code == 200, response.text
        await self.channel.drain()
        return self.fake.sent[before:]

    async def say(self, body: str, **kwargs: Any) -> list[Sent]:
        return await self.send(text(body, **kwargs))


@asynccontextmanager
async def serving(database_url: str, clock: Clock) -> AsyncIterator[WhatsApp]:
    """Kriya's WhatsApp path served on 127.0.0.1 with the demo catalogue; fails if a message broke the API's limits."""
    from db.seed import seed_demo

    fake = FakeGraph(token=TOKEN, phone_number_id=PHONE_NUMBER_ID, templates=dict(APPROVED),
                     template_buttons=dict(APPROVED_BUTTONS), template_headers=dict(APPROVED_HEADERS), clock=clock)
    async with serve(fake.app()) as graph_url:
        fake.base_url = graph_url
        settings = Settings(
            database_url=database_url, whatsapp_token=TOKEN, whatsapp_phone_number_id=PHONE_NUMBER_ID,
            whatsapp_app_secret=APP_SECRET, whatsapp_verify_token=VERIFY_TOKEN,
            whatsapp_api_base_url=f"{graph_url}/{VERSION}", whatsapp_templates=copy.deepcopy(TEMPLATES),
        )
        async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session, clock())
            async with serve(create_web_app(app, run_background=False)) as url, httpx.AsyncClient(
                base_url=url, timeout=10
            ) as client:
                harness = WhatsApp(app, fake, client, clock)
                harness.channel.status_retries = (0.01, 0.05)  # not seconds: the tests wait for them
                yield harness
                await harness.channel.drain()
    assert fake.violations == [], fake.violations


@pytest.fixture
async def whatsapp(database_url: str, clock: Clock) -> AsyncIterator[WhatsApp]:
    """The WhatsApp path end to end, on SQLite and PostgreSQL."""
    async with serving(database_url, clock) as harness:
        yield harness
