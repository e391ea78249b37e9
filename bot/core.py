"""Channel-neutral message types: what comes in (IncomingMessage) and what goes out (Reply, Button)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

logger = logging.getLogger(__name__)

class MessageNotStored(Exception):
    """A message could not be recorded (the database is unavailable): the platform must deliver it again."""


ButtonKind = Literal["payload", "contact", "location", "url"]
Answer = Literal["yes", "no", "next", "back"]  # what typing an answer in one's own words means (bot/nlu/answers.py)


@dataclass(frozen=True, slots=True)
class Button:
    """One option offered to the person; `payload` comes back when it is chosen."""

    title: str
    payload: str
    description: str | None = None
    kind: ButtonKind = "payload"
    answer: Answer | None = None  # typed "ya", "iya kak", "nggih", "👍" chooses the "yes" button, and so on

    def as_dict(self) -> dict[str, Any]:
        return {"title": self.title, "payload": self.payload}


AttachmentKind = Literal["image", "document"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a reply. `source` names it ("ticket:KR-ABC234", "certificate:..."): its bytes are made at
    send time by bot.services.attachments, so nothing but this reference is stored with the message."""

    kind: AttachmentKind
    source: str
    filename: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "filename": self.filename}


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to show. `replace` asks channels that can edit (Telegram paging) to edit in place. With an
    `attachment`, the text is its caption (or the text sent when the file cannot be)."""

    text: str
    buttons: tuple[Button, ...] = ()
    replace: bool = False
    attachment: Attachment | None = None

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"text": self.text, "buttons": [b.as_dict() for b in self.buttons]}
        if self.attachment is not None:
            shown["attachment"] = self.attachment.as_dict()
        return shown


@dataclass(frozen=True, slots=True)
class SharedContact:
    phone: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Location:
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One message from a person, whatever the channel."""

    channel: str  # console, telegram, whatsapp
    user_id: str  # the person's id on that channel (chat id, phone number, console user)
    message_id: str  # unique per channel, for de-duplication
    text: str | None = None
    payload: str | None = None  # a button's payload when a button was chosen
    contact: SharedContact | None = None
    location: Location | None = None
    media: str | None = None  # image, audio, sticker, ... (not read, acknowledged)
    name: str | None = None  # the display name the channel gives
    language: str | None = None  # the channel's language hint (Telegram's language_code)
    phone: str | None = None  # known phone number (WhatsApp gives it)
    received_at: datetime | None = None
    meta: dict[str, Any] = field(default_factory=dict)
