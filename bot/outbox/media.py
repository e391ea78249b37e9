"""An outbox row's attachment made into bytes just before it is sent (the row keeps only its reference)."""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.delivery import Media, Outgoing, Retryable
from bot.outbox.rows import Sessionmaker
from bot.services.attachments import AttachmentUnavailable, render

logger = logging.getLogger(__name__)

UNAVAILABLE_NOTE = "attachment not sent: {reason}"


async def with_media(sessionmaker: Sessionmaker, item: Outgoing) -> tuple[Outgoing, str | None]:
    """`item` with the bytes of its attachment, and a note when there is none to send (then the text goes alone).

    A failure to make them (the database away for a moment) is Retryable: the row is tried again, never sent
    without its file unnoticed."""
    attachment = item.reply.attachment
    if attachment is None or item.media is not None:
        return item, None
    try:
        async with sessionmaker() as session:
            content, media_type = await render(session, attachment.source)
    except AttachmentUnavailable as gone:
        logger.info("outbox %s: attachment %s unavailable (%s): the text goes alone", item.outbox_id,
                    attachment.source.partition(":")[0], gone)
        return item, UNAVAILABLE_NOTE.format(reason=gone)
    except Exception as error:
        raise Retryable(f"attachment could not be made: {type(error).__name__}", code="attachment") from error
    return replace(item, media=Media(attachment.kind, attachment.filename, content, media_type)), None
