"""Telegram rendering: a Reply as Bot API messages (text parts within 4096 and one keyboard)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.channels import toolkit
from bot.core import Button, Reply
from bot.delivery import Media

logger = logging.getLogger(__name__)

MAX_TEXT = 4096  # Bot API limit for one message's text, counted here in UTF-16 code units (stricter)
MAX_CAPTION = 1024  # sendPhoto and sendDocument: a caption of 0-1024 characters
MAX_CALLBACK_DATA = 64  # bytes
MAX_LABEL = 60  # longer inline button labels are shortened for display (the payload is unchanged)
SHORT_LABEL = 20  # two buttons whose labels are at most this long share a row
EMPTY_TEXT = "…"  # Telegram refuses empty texts; a reply made only of buttons still needs one

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class RenderError(ValueError):
    """A reply Telegram would refuse whatever we tried (a payload over 64 bytes): a bug upstream."""


@dataclass(frozen=True)
class Part:
    """One Bot API message: its text and, at most, one keyboard."""

    text: str
    markup: Markup | None = None

    @property
    def inline(self) -> bool:
        """True when the part can be edited in place (editMessageText takes only inline keyboards)."""
        return self.markup is None or isinstance(self.markup, InlineKeyboardMarkup)


@dataclass(frozen=True)
class MediaPart:
    """A photo (sendPhoto) or a file (sendDocument), with the reply's text as its caption when it fits."""

    media: Media
    caption: str | None = None
    markup: Markup | None = None


def with_media(parts: list[Part], media: Media) -> list[Part | MediaPart]:
    """The file first: captioned with the text and carrying its keyboard when the text is one short part,
    else alone, followed by the text parts (the keyboard stays on the last)."""
    if len(parts) == 1 and utf16_len(parts[0].text) <= MAX_CAPTION:
        return [MediaPart(media, parts[0].text, parts[0].markup)]
    return [MediaPart(media), *parts]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Parts of at most `limit` UTF-16 units (as Telegram counts), cut where a reader would."""
    return toolkit.split_text(text, limit, utf16_len)


def _label(button: Button) -> str:
    label = f"{button.title} ({button.description})" if button.description else button.title
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _pack(labels: list[str]) -> list[list[int]]:
    """Indexes of buttons arranged in rows: one per row, two when both labels are short."""
    rows: list[list[int]] = []
    for index, label in enumerate(labels):
        last = rows[-1] if rows else None
        if last is not None and len(last) == 1 and len(label) <= SHORT_LABEL and len(labels[last[0]]) <= SHORT_LABEL:
            last.append(index)
        else:
            rows.append([index])
    return rows


def check_callback_data(payload: str) -> str:
    size = len(payload.encode())
    if not 1 <= size <= MAX_CALLBACK_DATA:
        raise RenderError(f"callback_data must be 1-{MAX_CALLBACK_DATA} bytes, got {size}: {payload[:80]!r}")
    return payload


def inline_keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup:
    """Payload buttons as callback buttons, url buttons as links."""
    made: list[InlineKeyboardButton] = []
    labels: list[str] = []
    for button in buttons:
        label = _label(button)
        if button.kind == "url":
            made.append(InlineKeyboardButton(label, url=button.payload))
        else:
            made.append(InlineKeyboardButton(label, callback_data=check_callback_data(button.payload)))
        labels.append(label)
    return InlineKeyboardMarkup([[made[i] for i in row] for row in _pack(labels)])


def reply_keyboard(buttons: tuple[Button, ...]) -> ReplyKeyboardMarkup:
    """Contact and location requests first, then the other options as text buttons.

    A text button sends its title, which the dispatcher matches to the option's payload, so the
    person can still choose any option while the keyboard is up."""
    special = [b for b in buttons if b.kind in ("contact", "location")]
    plain = [b for b in buttons if b.kind == "payload"]
    rows: list[list[KeyboardButton]] = [
        [KeyboardButton(b.title, request_contact=(b.kind == "contact") or None,
                        request_location=(b.kind == "location") or None)]
        for b in special
    ]
    labels = [b.title for b in plain]
    rows += [[KeyboardButton(plain[i].title) for i in row] for row in _pack(labels)]
    return ReplyKeyboardMarkup(rows, resize_keyboard=True, one_time_keyboard=True)


def render(reply: Reply, remove_keyboard: bool = False) -> list[Part]:
    """The messages that show `reply`: its text in parts, the keyboard on the last part.

    With a contact or location button the keyboard is a reply keyboard (url buttons then become
    lines of text); otherwise an inline keyboard. `remove_keyboard` (after the person shared their
    contact or location) takes a reply keyboard away with the first part that carries no keyboard."""
    buttons = reply.buttons
    text = reply.text
    markup: Markup | None = None
    if any(b.kind in ("contact", "location") for b in buttons):
        links = [f"{b.title}: {b.payload}" for b in buttons if b.kind == "url"]
        if links:
            text = "\n".join([text, "", *links]) if text.strip() else "\n".join(links)
        markup = reply_keyboard(buttons)
    elif buttons:
        markup = inline_keyboard(buttons)
    texts = split_text(text) or [EMPTY_TEXT]
    parts = [Part(t) for t in texts[:-1]] + [Part(texts[-1], markup)]
    if remove_keyboard:
        for index, part in enumerate(parts):
            if part.markup is None:
                parts[index] = Part(part.text, ReplyKeyboardRemove())
                break
    return parts
