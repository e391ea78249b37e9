"""A broadcast's delivery log (each recipient's latest send, its state and reason), resending the failed ones, and
the recent failed sends of an organizer (its broadcasts and its trainings' reminders) for the dashboard, and what
an organizer sent one person (its broadcasts, its trainings' reminders and notices) for the person's page.

An outbox row of a broadcast carries its `broadcast_id`; a resend is a new row (a new dedupe key, through the
quiet-hours gate), so the log shows a person's latest row and older attempts stay as they were."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.channels.whatsapp import CHANNEL as WHATSAPP
from bot.channels.whatsapp import window_over
from bot.outbox import SENDING
from bot.services.announcements import followed_regions, queue_broadcast
from bot.services.notices import key_prefixes
from bot.services.proactive import best_identities
from bot.services.timing import Policy
from db.models import Artisan, Broadcast, OutboxMessage, Reminder, Training

logger = logging.getLogger(__name__)

STATES = ("pending", "sent", "delivered", "read", "failed", "skipped")
FAILED_STATUSES = ("failed", "expired")  # the outbox gave up: a final error, or retried until it made no sense
FAILED = "failed"
NOTICE = "notice"  # the outbox kind of a notice (bot.services.proactive.OUTBOX_KINDS)


async def recent(session: AsyncSession, limit: int) -> list[Broadcast]:
    """The newest broadcasts the session may see (an organizer's scoped session: its own)."""
    return list((await session.execute(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))).scalars())


async def find(session: AsyncSession, broadcast_id: int, lock: bool = False) -> Broadcast | None:
    """One broadcast (None: another organizer's, or none); `lock` holds it FOR UPDATE until the transaction ends."""
    query = select(Broadcast).where(Broadcast.id == broadcast_id)
    return await session.scalar(query.with_for_update() if lock else query)


async def made_by_request(session: AsyncSession, request_key: str) -> int | None:
    """The broadcast a send form with this request key made already, if any."""
    return await session.scalar(select(Broadcast.id).where(Broadcast.request_key == request_key))


def state_of(status: str, delivery_status: str | None) -> str:
    """Where one row stands (its outbox status, the platform's delivery status), as the log shows it."""
    if status in ("pending", SENDING):
        return "pending"
    if status in FAILED_STATUSES or delivery_status == FAILED:
        return FAILED
    if status == "skipped":
        return "skipped"
    if delivery_status in ("delivered", "read"):
        return delivery_status
    return "sent"


def _latest() -> ColumnElement[bool]:
    """The row is its person's latest of its broadcast (not sent again since): for a few rows (failed ones);
    counting all of a broadcast's rows groups them instead (state_counts)."""
    later = aliased(OutboxMessage)
    return ~exists().where(and_(later.broadcast_id == OutboxMessage.broadcast_id,
                                later.artisan_id == OutboxMessage.artisan_id, later.id > OutboxMessage.id))


async def state_counts(session: AsyncSession, broadcast_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per broadcast, how many recipients are in each state (their latest rows; every state named)."""
    found = {broadcast_id: dict.fromkeys(STATES, 0) for broadcast_id in broadcast_ids}
    if not broadcast_ids:
        return found
    latest = (select(func.max(OutboxMessage.id)).where(OutboxMessage.broadcast_id.in_(broadcast_ids))
              .group_by(OutboxMessage.broadcast_id, OutboxMessage.artisan_id))
    rows = (await session.execute(
        select(OutboxMessage.broadcast_id, OutboxMessage.status, OutboxMessage.delivery_status, func.count())
        .where(OutboxMessage.id.in_(latest))
        .group_by(OutboxMessage.broadcast_id, OutboxMessage.status, OutboxMessage.delivery_status)
    )).tuples().all()
    for broadcast_id, status, delivery_status, number in rows:
        if broadcast_id is not None:
            found[broadcast_id][state_of(status, delivery_status)] += number
    return found


def _failed() -> ColumnElement[bool]:
    return or_(OutboxMessage.status.in_(FAILED_STATUSES), OutboxMessage.delivery_status == FAILED)


@dataclass(frozen=True)
class Entry:
    """One recipient in the log: their latest send of the broadcast, and how many sends they have."""

    artisan_id: int | None
    name: str | None
    channel: str
    status: str
    delivery_status: str | None
    last_error: str | None
    sends: int

    @property
    def state(self) -> str:
        return state_of(self.status, self.delivery_status)


async def delivery_log(session: AsyncSession, broadcast_id: int) -> list[Entry]:
    """Every recipient of the broadcast with their latest send, in the order they were first queued."""
    rows = (await session.execute(
        select(OutboxMessage.artisan_id, func.coalesce(Artisan.full_name, Artisan.display_name),
               OutboxMessage.channel, OutboxMessage.status, OutboxMessage.delivery_status, OutboxMessage.last_error)
        .outerjoin(Artisan, Artisan.id == OutboxMessage.artisan_id)
        .where(OutboxMessage.broadcast_id == broadcast_id).order_by(OutboxMessage.id)
    )).tuples().all()
    latest: dict[object, tuple[int | None, str | None, str, str, str | None, str | None]] = {}
    sends: Counter[object] = Counter()
    for number, row in enumerate(rows):
        person = row[0] if row[0] is not None else ("row", number)
        sends[person] += 1
        latest[person] = row  # a dict keeps the first position: the latest row there
    return [Entry(artisan_id, name, channel, status, delivery_status, last_error, sends[person])
            for person, (artisan_id, name, channel, status, delivery_status, last_error) in latest.items()]


def counts(entries: list[Entry]) -> dict[str, int]:
    """How many recipients are in each state (every state named, zeros too)."""
    found = Counter(entry.state for entry in entries)
    return {state: found.get(state, 0) for state in STATES}


@dataclass(frozen=True)
class Resent:
    queued: int  # failed recipients queued again
    blocked: int  # failed recipients who cannot be reached now (STOP, blocked the bot, WhatsApp window over)


async def resend_failed(session: AsyncSession, broadcast: Broadcast, now: datetime, policy: Policy,
                        template: bool) -> Resent:
    """Queue the broadcast again for each recipient whose latest send failed, once (the key names the attempt);
    those delivered, read, sent, pending or skipped are left alone. The caller holds `broadcast` locked (FOR
    UPDATE) in this transaction, so two resends of one broadcast run one after the other."""
    failed = [entry for entry in await delivery_log(session, broadcast.id)
              if entry.state == FAILED and entry.artisan_id is not None]
    ids = [entry.artisan_id for entry in failed if entry.artisan_id is not None]
    people = {person.id: person for person in (await session.execute(
        select(Artisan).where(Artisan.id.in_(ids), Artisan.proactive_opt_out.is_(False)))).scalars()}
    identities = await best_identities(session, list(people))
    followed = await followed_regions(session, list(people))
    queued = blocked = 0
    for entry in failed:
        person = people.get(entry.artisan_id or 0)
        identity = identities.get(person.id) if person else None
        if person is None or identity is None or (
                identity.channel == WHATSAPP and not template and window_over(identity.last_inbound_at, now)):
            blocked += 1
            continue
        # The key names the person's next send: new, as the caller holds the broadcast's lock (no lookup needed).
        sent = await queue_broadcast(session, broadcast, person, identity,
                                     f"broadcast:{broadcast.id}:{person.id}:again{entry.sends}", now, policy,
                                     followed.get(person.id), new_key=True)
        queued += sent.row is not None
    return Resent(queued, blocked)


@dataclass(frozen=True)
class FailedSend:
    """A recent send that failed: of a broadcast (its id) or a reminder of a training (its code)."""

    row: OutboxMessage
    broadcast_id: int | None = None
    training_code: str | None = None


async def failed_sends(session: AsyncSession, since: datetime, limit: int) -> list[FailedSend]:
    """The latest failed sends since `since` of the session's organizer (a scoped session: its broadcasts and
    its trainings' reminders), newest first; a broadcast's failure sent again since is left out."""
    recent = and_(_failed(), OutboxMessage.created_at >= since)
    broadcasts = (await session.execute(
        select(OutboxMessage, Broadcast.id).join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(recent, _latest()).order_by(OutboxMessage.id.desc()).limit(limit)
    )).tuples().all()
    reminders = (await session.execute(
        select(OutboxMessage, Training.code).join(Reminder, Reminder.key == OutboxMessage.dedupe_key)
        .join(Training, Training.id == Reminder.training_id)
        .where(recent).order_by(OutboxMessage.id.desc()).limit(limit)
    )).tuples().all()
    found = [FailedSend(row, broadcast_id=broadcast_id) for row, broadcast_id in broadcasts]
    found += [FailedSend(row, training_code=code) for row, code in reminders]
    return sorted(found, key=lambda sent: (sent.row.created_at, sent.row.id), reverse=True)[:limit]


@dataclass(frozen=True)
class Sent:
    """One message the organizer's side sent a person: of a broadcast (its id), or a reminder or a notice of one
    of its trainings (the training's code)."""

    row: OutboxMessage
    broadcast_id: int | None = None
    training_code: str | None = None

    @property
    def state(self) -> str:
        return state_of(self.row.status, self.row.delivery_status)

    @property
    def text(self) -> str:
        text = self.row.body.get("text") if isinstance(self.row.body, dict) else None
        return text if isinstance(text, str) else ""


async def sent_to(session: AsyncSession, artisan_id: int, registrations: dict[int, tuple[int, str]],
                  limit: int) -> list[Sent]:
    """What the session's organizer sent the person, newest first: its broadcasts (a scoped session joins only
    its own), the reminders of its trainings, and the notices about the person's `registrations` at its
    trainings (registration id -> (training id, training code), read through the scope). Never the chat's
    replies, nor another organizer's messages."""
    mine = OutboxMessage.artisan_id == artisan_id
    broadcasts = (await session.execute(
        select(OutboxMessage, Broadcast.id).join(Broadcast, Broadcast.id == OutboxMessage.broadcast_id)
        .where(mine).order_by(OutboxMessage.id.desc()).limit(limit)
    )).tuples().all()
    reminders = (await session.execute(
        select(OutboxMessage, Training.code).join(Reminder, Reminder.key == OutboxMessage.dedupe_key)
        .join(Training, Training.id == Reminder.training_id)
        .where(mine, OutboxMessage.broadcast_id.is_(None)).order_by(OutboxMessage.id.desc()).limit(limit)
    )).tuples().all()
    found = [Sent(row, broadcast_id=broadcast_id) for row, broadcast_id in broadcasts]
    found += [Sent(row, training_code=code) for row, code in reminders]
    prefixes = {prefix: code for registration_id, (training_id, code) in registrations.items()
                for prefix in key_prefixes(registration_id, training_id)}
    if prefixes:
        notices = (await session.execute(
            select(OutboxMessage).where(mine, OutboxMessage.kind == NOTICE, OutboxMessage.broadcast_id.is_(None),
                                        or_(*(OutboxMessage.dedupe_key.startswith(prefix, autoescape=True)
                                              for prefix in prefixes)))
            .order_by(OutboxMessage.id.desc()).limit(limit)
        )).scalars().all()
        found += [Sent(row, training_code=next(code for prefix, code in prefixes.items()
                                               if row.dedupe_key.startswith(prefix))) for row in notices]
    return sorted(found, key=lambda sent: (sent.row.created_at, sent.row.id), reverse=True)[:limit]
