"""Telegram updates as IncomingMessages: private messages and button taps; the rest is ignored."""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update

from bot.core import IncomingMessage, Location, SharedContact

logger = logging.getLogger(__name__)

CHANNEL = "telegram"

# Attachment attributes of a Message, in the order they are checked (an animation also sets document).
_MEDIA = (
    ("photo", "image"),
    ("sticker", "sticker"),
    ("voice", "audio"),
    ("audio", "audio"),
    ("animation", "video"),
    ("video", "video"),
    ("video_note", "video"),
    ("document", "document"),
    ("poll", "poll"),
    ("dice", "other"),
    ("game", "other"),
    ("story", "other"),
)


def normalize_phone(phone: str) -> str:
    """'+62 812-3456-7890' -> '6281234567890': digits only, like WhatsApp's ids."""
    return "".join(ch for ch in phone if ch.isdigit())


def _media_kind(message: Message) -> str | None:
    for attribute, kind in _MEDIA:
        if getattr(message, attribute, None):
            return kind
    return None


def _from_callback(query: CallbackQuery) -> IncomingMessage | None:
    message = query.message
    if message is None or query.data is None:  # inline-mode messages and games are not ours
        return None
    if message.chat.type != Chat.PRIVATE or query.from_user.is_bot:
        return None
    return IncomingMessage(
        channel=CHANNEL,
        user_id=str(message.chat.id),
        message_id=f"cb:{query.id}",
        payload=query.data,
        name=query.from_user.full_name,
        language=query.from_user.language_code,
        meta={"reply_context": {"chat_id": message.chat.id, "message_id": message.message_id}},
    )


def to_incoming(update: Update) -> IncomingMessage | None:
    """The IncomingMessage of a private message or button tap; None for anything Kriya ignores.

    Ignored: edited messages, channel posts, groups, other bots, service messages (someone joined,
    pinned...). Message ids are '<chat>:<message>' ('m' prefix) rather than the update id, because
    Telegram restarts update ids at random after a quiet week, while a message id in a private chat
    never repeats; a button tap is 'cb:<callback id>'."""
    if update.callback_query is not None:
        return _from_callback(update.callback_query)
    message = update.message
    if message is None:
        return None
    chat, user = message.chat, message.from_user
    if chat.type != Chat.PRIVATE or user is None or user.is_bot:
        return None
    base: dict[str, Any] = {
        "channel": CHANNEL,
        "user_id": str(chat.id),
        "message_id": f"m{chat.id}:{message.message_id}",
        "name": user.full_name,
        "language": user.language_code,
        "received_at": message.date,
    }
    # After a shared contact or location the reply keyboard that asked for it is taken away.
    after_keyboard = {"reply_context": {"chat_id": chat.id, "remove_keyboard": True}}
    if message.text is not None:
        return IncomingMessage(**base, text=message.text)
    if message.contact is not None:
        contact = message.contact
        if contact.user_id is not None and contact.user_id == user.id:
            name = " ".join(filter(None, (contact.first_name, contact.last_name))) or None
            shared = SharedContact(phone=normalize_phone(contact.phone_number), name=name)
            return IncomingMessage(**base, contact=shared, meta=after_keyboard)
        # Someone else's card: not the person's own number, so it is only acknowledged, never stored.
        return IncomingMessage(**base, media="contact", meta={**after_keyboard, "foreign_contact": True})
    if message.location is not None:  # a venue carries its location too
        where = Location(latitude=message.location.latitude, longitude=message.location.longitude)
        return IncomingMessage(**base, location=where, meta=after_keyboard)
    kind = _media_kind(message)
    if kind is not None:
        return IncomingMessage(**base, media=kind, text=message.caption or None)
    return None
