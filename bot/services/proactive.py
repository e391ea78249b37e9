"""The one gate of proactive messages: to the person's best channel, in their language, after their quiet hours."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.delivery import reply_to_body
from bot.i18n import use_language
from bot.outbox import TEMPLATE_KIND, enqueue
from bot.proactive_texts import (
    ABSENCE,
    ADDED,
    ADDED_WAITLISTED,
    ANNOUNCEMENT,
    BROADCAST,
    CANCELLED,
    CERTIFICATE,
    CONFIRM,
    DEADLINE,
    FEEDBACK,
    FOLLOWUP,
    MOVED,
    OFFER,
    PROMOTED,
    REMINDER,
    REMOVED,
    Tell,
    render,
    template_params,
)
from bot.services.timing import allowed_time, person_zone
from db.models import Artisan, ChannelIdentity, OutboxMessage

logger = logging.getLogger(__name__)

OUTBOX_KINDS = {
    REMINDER: "reminder", DEADLINE: "reminder", ANNOUNCEMENT: "announcement", BROADCAST: "broadcast",
    PROMOTED: "notice", MOVED: "notice", CANCELLED: "notice",
    ADDED: "notice", ADDED_WAITLISTED: "notice", REMOVED: "notice", CONFIRM: "notice", OFFER: "notice",
    FEEDBACK: "notice", ABSENCE: "notice", CERTIFICATE: "notice", FOLLOWUP: "followup",
}

IDS_PER_QUERY = 500  # people whose channels one query looks up (a bound on the IN list)


@dataclass(frozen=True)
class Queued:
    """What the gate did: the row queued (None: the key was queued before, or no moment was left) and when
    it may go (None: every moment before `latest` falls in quiet hours)."""

    row: OutboxMessage | None
    at: datetime | None


async def queue(
    session: AsyncSession, person: Artisan, identity: ChannelIdentity, tell: Tell, *, key: str, now: datetime,
    quiet_hours: tuple[int, int] | None, due: datetime | None = None, latest: datetime | None = None,
    region: str | None = None, new_key: bool = False, broadcast_id: int | None = None,
) -> Queued:
    """Queue `tell` for `person` once per `key`: at `due` (now by default), or when their quiet hours end in
    their own zone (else `region`'s, else the training's); never at or after `latest`, when it expires."""
    if region is None and tell.training is not None:
        region = tell.training.regency or tell.training.province
    at = allowed_time(due or now, person_zone(person, region), quiet_hours, latest=latest)
    if at is None:
        return Queued(None, None)
    with use_language(person.language):
        reply = render(tell, at)
        params = template_params(tell)  # in their language too: for a template, outside WhatsApp's window
    body = {**reply_to_body(reply), "language": person.language, TEMPLATE_KIND: tell.kind}
    if params:
        body["template_params"] = params
    row = await enqueue(session, artisan_id=person.id, channel=identity.channel, external_id=identity.external_id,
                        kind=OUTBOX_KINDS[tell.kind], body=body,
                        dedupe_key=key, now=now, not_before=at, expires_at=latest, new_key=new_key,
                        broadcast_id=broadcast_id)
    return Queued(row, at)


async def withdraw(session: AsyncSession, keys: Sequence[str]) -> list[str]:
    """Take back proactive messages queued for later that no sender has claimed yet; returns their keys."""
    if not keys:
        return []
    taken_back = await session.execute(
        delete(OutboxMessage).where(OutboxMessage.dedupe_key.in_(keys), OutboxMessage.status == "pending")
        .returning(OutboxMessage.dedupe_key)
    )
    return list(taken_back.scalars())


async def best_identity(session: AsyncSession, artisan_id: int) -> ChannelIdentity | None:
    """The channel the person wrote on most recently (and can still be reached on)."""
    return (await best_identities(session, [artisan_id])).get(artisan_id)


async def best_identities(session: AsyncSession, artisan_ids: Sequence[int]) -> dict[int, ChannelIdentity]:
    """The best channel of each of many people, IDS_PER_QUERY people a query."""
    found: dict[int, ChannelIdentity] = {}
    for start in range(0, len(artisan_ids), IDS_PER_QUERY):
        rows = (await session.execute(
            select(ChannelIdentity)
            .where(ChannelIdentity.artisan_id.in_(artisan_ids[start:start + IDS_PER_QUERY]),
                   ChannelIdentity.unreachable_since.is_(None))
            .order_by(ChannelIdentity.artisan_id, ChannelIdentity.last_inbound_at.desc().nulls_last(),
                      ChannelIdentity.id.desc())
        )).scalars()
        for identity in rows:
            found.setdefault(identity.artisan_id, identity)
    return found
