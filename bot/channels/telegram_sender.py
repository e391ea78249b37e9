"""The outbox's sender for Telegram: a reply as Bot API messages, or as an edit of the message a button was on."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, TelegramError

from bot.channels.telegram_errors import cannot_edit, delivery_error, not_modified
from bot.channels.telegram_render import MediaPart, Part, RenderError, render, with_media
from bot.channels.toolkit import SentParts
from bot.delivery import AttachmentRefused, FinalError, Outgoing, SendResult
from bot.logs import ref
from bot.ratelimit import RateLimiter

logger = logging.getLogger(__name__)


class TelegramSender:
    """Sends outbox rows with the Bot API: new messages, or an edit of the message a button was on."""

    channel = "telegram"

    def __init__(self, bot: Bot, limiter: RateLimiter) -> None:
        self.bot = bot
        self.limiter = limiter
        self._parts = SentParts()  # parts of a long reply already sent, so a retry does not repeat them

    async def send(self, item: Outgoing) -> SendResult:
        chat_id = item.external_id
        context = item.body.get("context") or {}
        reply = item.reply
        try:
            parts = render(reply, remove_keyboard=bool(context.get("remove_keyboard")))
        except RenderError as error:
            logger.error("telegram reply for chat %s cannot be rendered (outbox %s): %s", ref(chat_id), item.outbox_id,
                         error)
            raise FinalError(str(error), code="render") from error
        if item.media is not None:
            return await self._send_with_media(item, chat_id, parts)
        edit_of = context.get("message_id")
        if reply.replace and edit_of and len(parts) == 1 and parts[0].inline:
            edited = await self._edit(context.get("chat_id") or chat_id, int(edit_of), parts[0].text,
                                      parts[0].markup if isinstance(parts[0].markup, InlineKeyboardMarkup) else None)
            if edited is not None:
                return SendResult([edited])
        return SendResult(await self._send_parts(item, chat_id, parts))

    async def _edit(self, chat_id: str | int, message_id: int, text: str,
                    markup: InlineKeyboardMarkup | None) -> str | None:
        """Edit the message in place; None when it can no longer be edited (then a new one is sent)."""
        try:
            await self.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, reply_markup=markup)
        except BadRequest as error:
            if not_modified(error):  # the same page tapped twice: what the person sees is right
                return str(message_id)
            if cannot_edit(error):
                logger.info("telegram message %s in chat %s cannot be edited (%s): sending a new one",
                            message_id, ref(chat_id), error.message)
                return None
            raise delivery_error(error, "editMessageText", chat_id) from error
        except TelegramError as error:
            raise delivery_error(error, "editMessageText", chat_id) from error
        return str(message_id)

    async def _send_with_media(self, item: Outgoing, chat_id: str, parts: list[Part]) -> SendResult:
        """The file (sendPhoto, sendDocument) with the text; a file Telegram refuses for good is replaced by the
        text alone and the refusal recorded (a transient failure is raised: the outbox retries the whole)."""
        assert item.media is not None
        try:
            return SendResult(await self._send_parts(item, chat_id, with_media(parts, item.media)))
        except AttachmentRefused as refused:
            self._parts.forget(item.outbox_id)
            logger.warning("telegram refused the %s of outbox %s (%s): sending the text alone", item.media.kind,
                           item.outbox_id, refused.reason)
            sent = await self._send_parts(item, chat_id, parts)
            return SendResult(sent, note=f"{item.media.kind} refused ({refused.reason}); text sent alone")

    async def _send_media(self, chat_id: str, part: MediaPart) -> Message:
        upload = InputFile(part.media.content, filename=part.media.filename)
        method = "sendPhoto" if part.media.kind == "image" else "sendDocument"
        try:
            if part.media.kind == "image":
                return await self.bot.send_photo(chat_id, upload, caption=part.caption, reply_markup=part.markup)
            return await self.bot.send_document(chat_id, upload, caption=part.caption, reply_markup=part.markup)
        except TelegramError as error:
            failed = delivery_error(error, method, chat_id)
            if isinstance(failed, FinalError):  # the file itself refused (too big, bad dimensions)
                raise AttachmentRefused(failed.reason, code=failed.code) from error
            raise failed from error

    async def _send_parts(self, item: Outgoing, chat_id: str, parts: Sequence[Part | MediaPart]) -> list[str]:
        async def send_one(number: int, part: Part | MediaPart) -> str:
            if number > 0:
                await self.limiter.acquire(chat_id)  # the outbox paced the first part
            if isinstance(part, MediaPart):
                return str((await self._send_media(chat_id, part)).message_id)
            try:
                message = await self.bot.send_message(chat_id, part.text, reply_markup=part.markup)
            except TelegramError as error:
                raise delivery_error(error, "sendMessage", chat_id) from error
            return str(message.message_id)

        return [sent for sent in await self._parts.send(item.outbox_id, parts, send_one) if sent]
