"""Bot API errors as the outbox's typed outcomes (python-telegram-bot's exceptions mapped to DeliveryErrors)."""

from __future__ import annotations

import logging
import warnings
from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.delivery import DeliveryError, FinalError, RateLimited, Retryable, Unreachable
from bot.logs import ref

logger = logging.getLogger(__name__)


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return _seconds(error.retry_after)


def delivery_error(error: TelegramError, method: str, chat_id: str | int) -> DeliveryError:
    """The typed outcome of a failed Bot API call (BadRequest is a NetworkError: checked first)."""
    if isinstance(error, RetryAfter):
        return RateLimited(str(error), retry_after=retry_after_seconds(error), code=429)
    if isinstance(error, Forbidden):  # blocked by the user, user deactivated
        return Unreachable(error.message, code=403)
    if isinstance(error, BadRequest | ChatMigrated):
        logger.warning("telegram %s to chat %s refused: %s", method, ref(chat_id), error.message)
        return FinalError(error.message, code=400)
    if isinstance(error, InvalidToken):
        logger.error("telegram %s: the bot token was rejected (%s)", method, error.message)
        return Retryable(error.message, code=401)
    if isinstance(error, TimedOut | NetworkError | Conflict):
        return Retryable(error.message, code="network")
    return Retryable(f"{type(error).__name__}: {error.message}")


def not_modified(error: BadRequest) -> bool:
    return "not modified" in error.message.lower()


def cannot_edit(error: BadRequest) -> bool:
    text = error.message.lower()
    return any(s in text for s in ("message to edit not found", "can't be edited", "message_id_invalid",
                                   "no text in the message"))
