"""People: find or create the artisan behind a channel identity, and their conversation row."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import IncomingMessage
from bot.i18n import normalize_language
from db.models import Artisan, ChannelIdentity, Conversation

logger = logging.getLogger(__name__)


async def identify(session: AsyncSession, msg: IncomingMessage, now: datetime) -> tuple[Artisan, ChannelIdentity]:
    """The artisan writing `msg`, created on first contact with the channel's language hint."""
    identity = (
        await session.execute(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == msg.channel, ChannelIdentity.external_id == msg.user_id
            )
        )
    ).scalar_one_or_none()
    if identity is None:
        artisan = Artisan(
            display_name=(msg.name or "")[:120] or None,
            language=normalize_language(msg.language),
            phone=msg.phone,
            crafts=[],
        )
        session.add(artisan)
        await session.flush()
        identity = ChannelIdentity(artisan_id=artisan.id, channel=msg.channel, external_id=msg.user_id)
        session.add(identity)
        await session.flush()
        logger.info("new person %s on %s", artisan.id, msg.channel)
    else:
        artisan = await session.get_one(Artisan, identity.artisan_id)
    if msg.meta.get("set_language"):
        artisan.language = normalize_language(msg.language)
    identity.last_inbound_at = now
    identity.unreachable_since = None
    if msg.name and not artisan.display_name:
        artisan.display_name = msg.name[:120]
    return artisan, identity


async def conversation_for(session: AsyncSession, artisan_id: int, lock: bool) -> Conversation:
    """The person's conversation row, locked for this transaction on PostgreSQL when `lock`."""
    query = select(Conversation).where(Conversation.artisan_id == artisan_id)
    if lock:
        query = query.with_for_update()
    conversation = (await session.execute(query)).scalar_one_or_none()
    if conversation is None:
        conversation = Conversation(artisan_id=artisan_id, state=None, data={})
        session.add(conversation)
        await session.flush()
    return conversation
