"""The WhatsApp Cloud API client: one httpx.AsyncClient, one request function, Graph errors as typed exceptions."""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.delivery import (
    CONNECT_TIMEOUT,
    POOL_TIMEOUT,
    READ_TIMEOUT,
    WRITE_TIMEOUT,
    DeliveryError,
    FinalError,
    RateLimited,
    Retryable,
    WindowClosed,
)

logger = logging.getLogger(__name__)

REENGAGEMENT = 131047  # more than 24 hours since the person last wrote: only a template may go
# Throttling codes and how long to wait when the answer carries no Retry-After header (seconds).
RATE_LIMITS: dict[int, float] = {
    4: 60.0,  # the app reached its API call rate limit
    80007: 60.0,  # the WhatsApp Business Account reached its rate limit
    130429: 5.0,  # Cloud API throughput of the phone number reached (a short pause is enough)
    131048: 900.0,  # spam rate limit: too many earlier messages blocked or reported
    131056: 60.0,  # pair rate limit: too many messages to the same person in a short time
}
# Transient failures: try again later with the outbox's backoff.
RETRYABLE = {1, 2, 131000, 131016, 131057, 133004}
# The access token is wrong or expired: an operator can fix it, so the messages are kept and retried.
AUTH = {0, 190}
HTTP_429_DEFAULT = 30.0
MAX_RETRY_AFTER = 3600.0
_CODE_PREFIX = re.compile(r"^\(#\d+\)\s*")


def retry_after_seconds(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """The Retry-After header as seconds (a number or an HTTP date), None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment is None:
            return None
        seconds = moment.timestamp() - now()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def describe(error: dict[str, Any]) -> str:
    """'Title: details' of a Graph error object, without the '(#code)' prefix of its message."""
    message = _CODE_PREFIX.sub("", str(error.get("message") or error.get("title") or "")).strip()
    data = error.get("error_data")
    details = str(data.get("details") or "").strip() if isinstance(data, dict) else ""
    if details and details != message:
        message = f"{message}: {details}" if message else details
    return message[:250] or "unknown error"


def error_for(status: int, headers: httpx.Headers | dict[str, str], payload: Any) -> DeliveryError:
    """The typed exception for a failed Graph API answer (by error code first, then by HTTP status)."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        error = {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    reason = describe(error) if error else f"HTTP {status}"
    waited = retry_after_seconds(headers.get("retry-after") or headers.get("Retry-After"))
    if code in RATE_LIMITS or status == 429:
        default = RATE_LIMITS.get(code, HTTP_429_DEFAULT) if code is not None else HTTP_429_DEFAULT
        return RateLimited(reason, retry_after=waited if waited is not None else default, code=code or status)
    if code == REENGAGEMENT:
        return WindowClosed(reason, code=code)
    if code in AUTH or status == 401:
        logger.error("WhatsApp refused the access token (%s %s): check WHATSAPP_TOKEN", code or status, reason)
        return Retryable(reason, code=code or status)
    if code in RETRYABLE or status >= 500:
        return Retryable(reason, code=code or status)
    return FinalError(reason, code=code or status)


class GraphClient:
    """POSTs to {base}/{phone_number_id}/messages with the bearer token; errors become DeliveryErrors."""

    def __init__(
        self,
        base_url: str,
        token: str,
        phone_number_id: str,
        *,
        timeout: float = READ_TIMEOUT,
        max_connections: int = 100,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self._token = token
        # The messages endpoint takes no idempotency key: a send whose answer is late has an unknown outcome and a
        # second try may deliver a second copy, so the answer is awaited long; connecting and waiting for a pooled
        # connection (nothing sent yet) fail fast.
        self._timeout = httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT),
                                      write=min(timeout, WRITE_TIMEOUT), pool=min(timeout, POOL_TIMEOUT))
        self._limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None

    async def open(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(
                base_url=self.base_url + "/",
                headers={"Authorization": f"Bearer {self._token}", "User-Agent": "kriya-whatsapp"},
                timeout=self._timeout,
                limits=self._limits,
                transport=self._transport,
            )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def request(self, method: str, path: str, payload: dict[str, Any] | None = None, *,
                      form: dict[str, str] | None = None,
                      files: dict[str, tuple[str, bytes, str]] | None = None) -> dict[str, Any]:
        """One Graph API call (JSON, or a multipart form with `files`): the JSON answer, or a DeliveryError
        subclass saying what to do next."""
        if self._client is None:
            raise Retryable("the WhatsApp client is not started", code="client")
        try:
            if files is not None:
                response = await self._client.request(method, path, data=form, files=files)
            else:
                response = await self._client.request(method, path, json=payload)
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as error:  # nothing was sent: safe to try again
            raise Retryable(f"timeout: {type(error).__name__}", code="connect-timeout") from error
        except httpx.TimeoutException as error:  # sent, no answer in time: the outcome is unknown
            logger.warning("WhatsApp did not answer a %s within %.0f s (%s): it may have been sent", path.rsplit("/")[-1],
                           self._timeout.read or 0, type(error).__name__)
            raise Retryable(f"timeout: {type(error).__name__}", code="timeout") from error
        except httpx.TransportError as error:
            raise Retryable(f"network: {type(error).__name__}: {error}"[:250], code="network") from error
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.is_success:
            if not isinstance(answer, dict):
                logger.warning("WhatsApp answered %s with a body that is not a JSON object", response.status_code)
                return {}
            return answer
        raise error_for(response.status_code, response.headers, answer)

    async def upload_media(self, content: bytes, filename: str, media_type: str) -> str:
        """Upload a file (POST /{phone-number-id}/media, multipart); its media id, usable for 30 days."""
        answer = await self.request("POST", f"{self.phone_number_id}/media",
                                    form={"messaging_product": "whatsapp", "type": media_type},
                                    files={"file": (filename, content, media_type)})
        media_id = answer.get("id")
        if not isinstance(media_id, str) or not media_id:
            raise Retryable("the media upload answered without an id", code="media")
        return media_id

    async def send_message(self, payload: dict[str, Any]) -> str | None:
        """Send one message; returns its wamid (None if the answer, though successful, names none)."""
        answer = await self.request("POST", f"{self.phone_number_id}/messages", payload)
        messages = answer.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            message_id = messages[0].get("id")
            if isinstance(message_id, str) and message_id:
                return message_id
        logger.warning("WhatsApp accepted a message without naming its id: %s", str(answer)[:200])
        return None
