"""What a sender may need to know of the person a message goes to, read from their profile."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.logs import ref
from db.models import Artisan, ChannelIdentity

logger = logging.getLogger(__name__)


async def recipient_language(
    sessionmaker: async_sessionmaker[AsyncSession], channel: str, external_id: str
) -> str | None:
    """The language of the person behind `channel:external_id`; None when unknown or unreadable (logged)."""
    try:
        async with sessionmaker() as session:
            return await session.scalar(
                select(Artisan.language)
                .join(ChannelIdentity, ChannelIdentity.artisan_id == Artisan.id)
                .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id)
            )
    except Exception:
        logger.warning("could not read the language of %s:%s", channel, ref(external_id))
        return None
