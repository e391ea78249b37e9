"""The WhatsApp webhook's input: X-Hub-Signature-256, and updates as IncomingMessages and delivery statuses."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.channels.toolkit import WebhookRejected
from bot.channels.whatsapp_render import CONTACT_ID
from bot.core import IncomingMessage, Location, SharedContact

logger = logging.getLogger(__name__)

MAX_BODY = 256 * 1024  # Meta's notifications are a few KiB; anything this big is not one
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
STATUSES = ("sent", "delivered", "read", "failed")
_WA_ID = re.compile(r"^\d{5,20}$")
_SIGNATURE = re.compile(r"^sha256=([0-9a-fA-F]{64})$")


def check_signature(secret: str, body: bytes, header: str | None) -> None:
    """Raise 401 without a well-formed X-Hub-Signature-256, 403 when it is not the HMAC of the raw body."""
    if not header:
        raise WebhookRejected(401, "no X-Hub-Signature-256")
    match = _SIGNATURE.match(header.strip())
    if not match:
        raise WebhookRejected(401, "malformed X-Hub-Signature-256")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match.group(1).lower()):
        raise WebhookRejected(403, "X-Hub-Signature-256 does not match")


@dataclass(frozen=True)
class StatusUpdate:
    """What WhatsApp says happened to a message Kriya sent."""

    message_id: str
    status: str  # sent, delivered, read, failed
    recipient_id: str | None = None
    error_code: int | None = None
    error_title: str | None = None

    @property
    def error(self) -> str:
        return f"{self.error_code or ''} {self.error_title or ''}".strip()[:300]


@dataclass
class Update:
    """Everything usable in one webhook POST."""

    messages: list[IncomingMessage] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    ignored: int = 0


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any, limit: int = 4096) -> str | None:
    return value[:limit] if isinstance(value, str) and value.strip() else None


def _timestamp(value: Any) -> datetime | None:
    try:
        seconds = int(str(value))
        return datetime.fromtimestamp(seconds, UTC) if 0 < seconds < 32503680000 else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _coordinate(value: Any, bound: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and -bound <= number <= bound else None


def _shared_contact(contacts: list[dict[str, Any]]) -> SharedContact | None:
    """The first phone number of the first shared contact that has one."""
    for card in contacts:
        name = _str(_dict(card.get("name")).get("formatted_name"), 120)
        for phone in _dicts(card.get("phones")):
            wa_id = phone.get("wa_id")
            if isinstance(wa_id, str) and _WA_ID.match(wa_id):
                return SharedContact(phone="+" + wa_id, name=name)
            raw = _str(phone.get("phone"), 40)
            digits = re.sub(r"[^\d]", "", raw or "")
            if 5 <= len(digits) <= 20:
                return SharedContact(phone=("+" if (raw or "").lstrip().startswith("+") else "") + digits, name=name)
    return None


def parse_message(message: dict[str, Any], names: dict[str, str]) -> IncomingMessage | None:
    """One inbound message as an IncomingMessage; None for what Kriya does not read (groups, reactions, ...)."""
    sender, message_id, kind = message.get("from"), message.get("id"), message.get("type")
    if not isinstance(sender, str) or not _WA_ID.match(sender):
        return None
    if not isinstance(message_id, str) or not 0 < len(message_id) <= 128:
        return None
    if message.get("group_id") or _dict(message.get("context")).get("group_id"):
        return None  # group messages are not for Kriya
    fields: dict[str, Any] = {}
    meta: dict[str, Any] = {"type": kind}
    if kind == "text":
        fields["text"] = _str(_dict(message.get("text")).get("body"))
        if fields["text"] is None:
            return None
    elif kind == "interactive":
        interactive = _dict(message.get("interactive"))
        answered = interactive.get("type")
        reply = _dict(interactive.get(answered)) if answered in ("button_reply", "list_reply") else {}
        chosen = _str(reply.get("id"), 256)
        if chosen is None:
            return None
        if chosen == CONTACT_ID:  # "send my number": WhatsApp already tells us the number
            fields["contact"] = SharedContact(phone="+" + sender, name=names.get(sender))
        else:
            fields["payload"], fields["text"] = chosen, _str(reply.get("title"), 200)
    elif kind == "button":  # a quick-reply button of a template
        button = _dict(message.get("button"))
        fields["payload"], fields["text"] = _str(button.get("payload"), 256), _str(button.get("text"), 200)
        if fields["payload"] is None and fields["text"] is None:
            return None
    elif kind == "location":
        place = _dict(message.get("location"))
        latitude, longitude = _coordinate(place.get("latitude"), 90), _coordinate(place.get("longitude"), 180)
        if latitude is None or longitude is None:
            return None
        fields["location"] = Location(latitude, longitude)
        meta.update({k: v for k in ("name", "address") if (v := _str(place.get(k), 300))})
    elif kind == "contacts":
        contact = _shared_contact(_dicts(message.get("contacts")))
        if contact is None:
            fields["media"] = "contacts"
        else:
            fields["contact"] = contact
            if contact.phone.lstrip("+") != sender:  # someone else's card, not the person's own number
                meta["foreign_contact"] = True
    elif kind in MEDIA_TYPES:
        fields["media"] = kind
        fields["text"] = _str(_dict(message.get(kind)).get("caption"), 1000)  # a question may come with a photo
    else:  # reaction, unsupported, system, order, request_welcome, ...
        return None
    reply_to = _dict(message.get("context")).get("id")
    if isinstance(reply_to, str):
        meta["reply_to"] = reply_to[:128]
    return IncomingMessage(
        channel="whatsapp", user_id=sender, message_id=message_id, name=names.get(sender), phone="+" + sender,
        language=None, received_at=_timestamp(message.get("timestamp")), meta=meta, **fields,
    )


def parse_status(status: dict[str, Any]) -> StatusUpdate | None:
    message_id, state = status.get("id"), status.get("status")
    if not isinstance(message_id, str) or not 0 < len(message_id) <= 128 or state not in STATUSES:
        return None
    errors = _dicts(status.get("errors"))
    code = errors[0].get("code") if errors else None
    title = (_str(errors[0].get("title"), 200) or _str(errors[0].get("message"), 200)) if errors else None
    recipient = status.get("recipient_id")
    return StatusUpdate(
        message_id=message_id, status=state, recipient_id=recipient if isinstance(recipient, str) else None,
        error_code=code if isinstance(code, int) and not isinstance(code, bool) else None, error_title=title,
    )


def parse_update(payload: dict[str, Any], phone_number_id: str | None) -> Update:
    """The messages and statuses of a webhook body for our phone number; anything else is counted as ignored."""
    update = Update()
    if payload.get("object") != "whatsapp_business_account":
        update.ignored += 1
        return update
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = _dict(change.get("value"))
            if change.get("field") != "messages" or not value:
                update.ignored += 1
                continue
            number = _dict(value.get("metadata")).get("phone_number_id")
            if phone_number_id and number is not None and str(number) != phone_number_id:
                logger.warning("WhatsApp update for phone number id %s, not ours: ignored", str(number)[:40])
                update.ignored += 1
                continue
            names = {
                str(c.get("wa_id")): str(_dict(c.get("profile")).get("name"))[:120]
                for c in _dicts(value.get("contacts"))
                if c.get("wa_id") and _str(_dict(c.get("profile")).get("name"))
            }
            for raw in _dicts(value.get("messages")):
                message = parse_message(raw, names)
                if message is None:
                    update.ignored += 1
                    logger.info("WhatsApp message of type %s ignored", str(raw.get("type"))[:30])
                else:
                    update.messages.append(message)
            for raw in _dicts(value.get("statuses")):
                status = parse_status(raw)
                if status is None:
                    update.ignored += 1
                else:
                    update.statuses.append(status)
            for error in _dicts(value.get("errors")):
                logger.warning("WhatsApp reported error %s: %s", error.get("code"), str(error.get("title"))[:200])
    return update
