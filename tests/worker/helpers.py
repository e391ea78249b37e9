"""Shared pieces of the worker tests and the delivery benchmark: people on Telegram and a broadcast."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.announcements import Audience, schedule_broadcast
from bot.services.reminders import Policy
from db.models import Artisan, Broadcast, ChannelIdentity, Conversation

FIRST_CHAT = 500_000


async def telegram_people(session: AsyncSession, count: int, now: datetime) -> list[int]:
    """`count` people who wrote to the bot on Telegram; returns their chat ids."""
    people = [Artisan(display_name=f"Perajin {i}", language="id", crafts=["batik"], created_at=now, updated_at=now)
              for i in range(count)]
    session.add_all(people)
    await session.flush()
    chats = [FIRST_CHAT + i for i in range(count)]
    session.add_all(
        ChannelIdentity(artisan_id=p.id, channel="telegram", external_id=str(chat), last_inbound_at=now, created_at=now)
        for p, chat in zip(people, chats, strict=True)
    )
    session.add_all(Conversation(artisan_id=p.id, state=None, data={}, updated_at=now) for p in people)
    await session.flush()
    return chats


async def broadcast_now(session: AsyncSession, text: str, now: datetime) -> Broadcast:
    return await schedule_broadcast(session, text, Audience(), now, now, Policy(quiet_hours=None))
