"""Sending to a platform: the sender interface every channel implements and its typed outcomes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.core import Attachment, Button, Reply

logger = logging.getLogger(__name__)

# Timeouts of a send to a platform, in seconds. Neither the Bot API's sendMessage nor the Cloud API's messages
# endpoint takes an idempotency key, so a send whose answer did not come in time has an unknown outcome and
# trying again may deliver a second copy: wait long for an answer (READ), and fail fast only where nothing
# can have been sent yet (CONNECT, POOL: no request left this process).
CONNECT_TIMEOUT = 10.0
WRITE_TIMEOUT = 30.0
READ_TIMEOUT = 60.0
POOL_TIMEOUT = 30.0


class DeliveryError(Exception):
    """A platform refused or failed a send; subclasses say what to do next."""

    def __init__(self, reason: str, code: str | int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class RateLimited(DeliveryError):
    """Too many messages: try again after `retry_after` seconds (Telegram 429, WhatsApp 130429/131056/80007)."""

    def __init__(self, reason: str, retry_after: float, code: str | int | None = None) -> None:
        super().__init__(reason, code)
        self.retry_after = retry_after


class Retryable(DeliveryError):
    """A transient failure (network, 5xx): try again later with backoff."""


class Unreachable(DeliveryError):
    """The person blocked the bot or their account is gone (Telegram 403): stop until they write again."""


class WindowClosed(DeliveryError):
    """WhatsApp's 24-hour window is closed (131047): only an approved template may go."""


class FinalError(DeliveryError):
    """The platform will never accept this message: record it and move on."""


class AttachmentRefused(FinalError):
    """The platform refused a reply's file for good (too large, bad dimensions, a type it does not take): the
    channel sends the text alone and says so in its SendResult's note."""


@dataclass(frozen=True)
class Outgoing:
    """One message for one person on one channel, as the outbox holds it."""

    outbox_id: int
    channel: str
    external_id: str
    body: dict[str, Any]
    kind: str = "reply"  # reply, reminder, announcement, broadcast, notice
    last_inbound_at: datetime | None = None
    attempts: int = 0
    claim_token: str | None = None  # this sender's claim on the row: only its holder records the outcome
    media: Media | None = None  # the attachment's bytes, made by the outbox just before sending

    @property
    def reply(self) -> Reply:
        return reply_from_body(self.body)

    @property
    def proactive(self) -> bool:
        return self.kind != "reply"


@dataclass(frozen=True)
class Media:
    """An attachment ready to upload: what the reply's Attachment names, rendered to bytes."""

    kind: str  # image, document
    filename: str
    content: bytes
    media_type: str  # image/png, application/pdf


@dataclass
class SendResult:
    provider_message_ids: list[str] = field(default_factory=list)
    note: str | None = None  # what went wrong though the message went (an attachment sent as text only): recorded


class ChannelSender(Protocol):
    """Turns an Outgoing into platform calls; raises a DeliveryError subclass when it cannot."""

    channel: str

    async def send(self, item: Outgoing) -> SendResult: ...


def reply_to_body(reply: Reply, context: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "text": reply.text,
        "buttons": [
            {"title": b.title, "payload": b.payload, "description": b.description, "kind": b.kind,
             **({"answer": b.answer} if b.answer else {})}
            for b in reply.buttons
        ],
        "replace": reply.replace,
    }
    if reply.attachment is not None:
        body["attachment"] = reply.attachment.as_dict()
    if context:
        body["context"] = context
    return body


def reply_from_body(body: dict[str, Any]) -> Reply:
    buttons = tuple(
        Button(b["title"], b["payload"], description=b.get("description"), kind=b.get("kind", "payload"),
               answer=b.get("answer"))
        for b in body.get("buttons") or []
    )
    return Reply(body.get("text", ""), buttons, replace=bool(body.get("replace")),
                 attachment=attachment_from_body(body))


def attachment_from_body(body: dict[str, Any]) -> Attachment | None:
    """The attachment an outbox body names, or None (also for a body written before attachments existed)."""
    found = body.get("attachment")
    if not isinstance(found, dict) or found.get("kind") not in ("image", "document") or not found.get("source"):
        return None
    return Attachment(found["kind"], str(found["source"]), str(found.get("filename") or "file"))
