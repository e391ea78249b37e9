"""No secrets or personal data in the logs of the WhatsApp path, at any level."""

from __future__ import annotations

import logging

import pytest
import uvicorn

from bot.web import create_web_app
from tests.whatsapp.conftest import USER, VERIFY_TOKEN, WhatsApp, text
from tests.whatsapp.fake_graph import serve


async def test_the_access_log_does_not_show_the_verify_token(whatsapp: WhatsApp, caplog: pytest.LogCaptureFixture,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    original = uvicorn.Config.__init__

    def with_access_log(self: uvicorn.Config, *args: object, **kwargs: object) -> None:
        kwargs.update(access_log=True, log_level="info", log_config=None)  # propagate to caplog
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(uvicorn.Config, "__init__", with_access_log)
    caplog.set_level(logging.DEBUG)
    async with serve(create_web_app(whatsapp.app, run_background=False)) as url:
        import httpx

        async with httpx.AsyncClient(base_url=url) as client:
            params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "42"}
            assert (await client.get("/whatsapp/webhook", params=params)).status_code == 200
    access = [r.getMessage() for r in caplog.records if r.name == "uvicorn.access"]
    assert access and any("/whatsapp/webhook" in line for line in access)  # the line is there, without its query
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    assert not [line for line in server_side if VERIFY_TOKEN in line]  # (httpx lines: this test's own client)


async def test_a_conversation_logs_no_phone_number(whatsapp: WhatsApp, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await whatsapp.say("halo")
    await whatsapp.send(text("BTK-YK-01"))
    whatsapp.fake.fail_next(131026, status=400)  # "message undeliverable": a final error, logged as a warning
    await whatsapp.post(text("menu"))
    await whatsapp.channel.drain()
    whatsapp.fake.fail_next(131000, status=500)  # a transient error, retried
    await whatsapp.post(text("menu"))
    await whatsapp.channel.drain()
    assert caplog.records  # something was logged
    assert USER not in caplog.text and USER[2:] not in caplog.text
