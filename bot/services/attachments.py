"""Attachments: the bytes of a file a reply names, made at send time from its source ("ticket:KR-ABC234").

A renderer is registered here under the prefix of its sources; the outbox calls `render` just before a send, so
the database keeps only the reference (no blobs) and a file always shows the data as it is when it goes."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import certificates, tickets

logger = logging.getLogger(__name__)

Renderer = Callable[[AsyncSession, str], Awaitable[tuple[bytes, str]]]  # (session, key) -> (bytes, media type)


class AttachmentUnavailable(LookupError):
    """The source names nothing that can be sent (an unknown prefix, a ticket of a cancelled registration)."""


RENDERERS: dict[str, Renderer] = {
    tickets.PREFIX: tickets.render_ticket,
    certificates.CERTIFICATE_SOURCE: certificates.certificate_document,
}


async def render(session: AsyncSession, source: str) -> tuple[bytes, str]:
    """The file `source` names and its media type; AttachmentUnavailable when there is none to send."""
    prefix, colon, key = source.partition(":")
    renderer = RENDERERS.get(prefix)
    if not colon or not key or renderer is None:
        raise AttachmentUnavailable(f"no renderer for {prefix!r}")
    try:
        return await renderer(session, key)
    except LookupError as missing:
        raise AttachmentUnavailable(str(missing)) from missing
