"""The Graph API client: documented answers mapped to typed delivery errors; the channel refuses half a setup."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from bot.channels.whatsapp import WhatsAppChannel
from bot.channels.whatsapp_api import GraphClient, error_for, retry_after_seconds
from bot.config import ConfigError, Settings
from bot.delivery import DeliveryError, FinalError, RateLimited, Retryable, WindowClosed
from tests.whatsapp.fake_graph import ERRORS, fixture, graph_error


def client(handler: Callable[[httpx.Request], httpx.Response]) -> GraphClient:
    return GraphClient("https://graph.example/v21.0", "token-1", "1122334455667",
                       transport=httpx.MockTransport(handler))


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=body, headers=headers)


MESSAGE = {"messaging_product": "whatsapp", "to": "6281234567890", "type": "text", "text": {"body": "halo"}}


async def test_a_message_is_posted_with_the_token_and_its_id_returned() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=fixture("send_response_ok.json"))

    api = client(handler)
    await api.open()
    try:
        assert await api.send_message(MESSAGE) == "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"
    finally:
        await api.close()
    [request] = seen
    assert str(request.url) == "https://graph.example/v21.0/1122334455667/messages"
    assert request.headers["authorization"] == "Bearer token-1"
    assert json.loads(request.content) == MESSAGE


@pytest.mark.parametrize(
    ("status", "body", "headers", "kind", "code", "wait"),
    [
        (400, ERRORS[131047], {}, WindowClosed, 131047, None),
        (400, ERRORS[130429], {}, RateLimited, 130429, 5.0),
        (429, ERRORS[130429], {"Retry-After": "17"}, RateLimited, 130429, 17.0),
        (400, ERRORS[131056], {}, RateLimited, 131056, 60.0),
        (400, graph_error(80007, "Rate limit issues", "WABA rate limit"), {}, RateLimited, 80007, 60.0),
        (400, graph_error(4, "Application request limit reached", "app limit"), {}, RateLimited, 4, 60.0),
        (429, "slow down", {}, RateLimited, 429, 30.0),
        (500, ERRORS[131000], {}, Retryable, 131000, None),
        (503, graph_error(131016, "Service unavailable", "try later"), {}, Retryable, 131016, None),
        (502, "<html>bad gateway</html>", {}, Retryable, 502, None),
        (401, graph_error(190, "Error validating access token", "expired"), {}, Retryable, 190, None),
        (400, ERRORS[131026], {}, FinalError, 131026, None),
        (400, graph_error(131051, "Unsupported message type", "no"), {}, FinalError, 131051, None),
        (400, graph_error(100, "Invalid parameter", "Parameter value is not valid"), {}, FinalError, 100, None),
        (404, graph_error(132001, "Template name does not exist in the translation", "no"), {}, FinalError, 132001,
         None),
        (400, {"unexpected": True}, {}, FinalError, 400, None),
    ],
)
async def test_graph_errors_become_typed_delivery_errors(
    status: int, body: Any, headers: dict[str, str], kind: type, code: int, wait: float | None
) -> None:
    api = client(answer(status, body, headers) if not isinstance(body, str) else
                 (lambda request: httpx.Response(status, text=body, headers=headers)))
    await api.open()
    try:
        with pytest.raises(kind) as raised:
            await api.send_message(MESSAGE)
    finally:
        await api.close()
    error = raised.value
    assert type(error) is kind and isinstance(error, DeliveryError)
    assert error.code == code
    if wait is not None:
        assert isinstance(error, RateLimited) and error.retry_after == wait
    assert not error.reason.startswith("(#")


async def test_timeouts_and_network_errors_are_retryable() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    for handler, code in ((timeout, "timeout"), (refused, "network")):
        api = client(handler)
        await api.open()
        with pytest.raises(Retryable) as raised:
            await api.send_message(MESSAGE)
        await api.close()
        assert raised.value.code == code


async def test_a_client_not_started_does_not_crash() -> None:
    with pytest.raises(Retryable):
        await client(answer(200, {})).send_message(MESSAGE)


def test_retry_after_as_seconds_or_a_date() -> None:
    now = datetime(2026, 11, 23, 3, tzinfo=UTC)
    assert retry_after_seconds("12") == 12.0
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=90), usegmt=True), lambda: now.timestamp()) == 90
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("999999") == 3600.0
    assert error_for(400, {}, {"error": {"code": 130429, "message": "x"}}).code == 130429


async def test_the_channel_refuses_to_start_without_its_webhook_secrets() -> None:
    class Dispatcher:
        clock = staticmethod(lambda: datetime.now(UTC))
        sessionmaker = None

    async def deliver(items: Any) -> None:
        return None

    base = Settings(whatsapp_token="t", whatsapp_phone_number_id="1", whatsapp_app_secret="s",
                    whatsapp_verify_token="v")
    for missing in ("whatsapp_app_secret", "whatsapp_verify_token"):
        channel = WhatsAppChannel(replace(base, **{missing: None}), Dispatcher(), deliver)  # type: ignore[arg-type]
        with pytest.raises(ConfigError, match=missing.upper()):
            await channel.start()
