"""Consent, opting out of proactive messages, and deleting a person's data (UU PDP 27/2022)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.outbox import FORGOTTEN
from bot.services.registrations import Registrations
from bot.services.reminders import Policy
from db.models import (
    AftercareAnswer,
    Artisan,
    Certificate,
    ChannelIdentity,
    ConsentEvent,
    Conversation,
    FollowUp,
    InboundMessage,
    OutboxMessage,
    Registration,
    Reminder,
    Subscription,
    Training,
)

logger = logging.getLogger(__name__)


RETENTION = timedelta(days=730)  # personal data is kept at most two years after the person's last message
INBOUND_KEPT = timedelta(days=7)  # hashes of inbound message ids: long enough for any platform's redelivery
FINISHED = ("sent", "failed", "expired", "skipped")


class Privacy:
    def __init__(self, session: AsyncSession, now: datetime, channel: str, policy: Policy) -> None:
        self.session = session
        self.now = now
        self.channel = channel
        self.policy = policy  # reminders of people promoted from a waitlist when a seat is freed

    async def record(self, artisan_id: int | None, kind: str, detail: str | None = None) -> None:
        """Keep every consent, subscription and opt-out change with its time and channel."""
        self.session.add(ConsentEvent(artisan_id=artisan_id, kind=kind, detail=(detail or None) and detail[:200],
                                      channel=self.channel, created_at=self.now))
        await self.session.flush()

    async def give_consent(self, person: Artisan) -> None:
        person.consent_at = self.now
        await self.record(person.id, "consent_given", "registration data")

    async def opt_out(self, person: Artisan, how: str) -> bool:
        """Stop every proactive message; False when already stopped."""
        if person.proactive_opt_out:
            return False
        person.proactive_opt_out = True
        await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.artisan_id == person.id, OutboxMessage.status == "pending",
                   OutboxMessage.kind != "reply")
            .values(status="skipped", last_error="opted out")
        )
        await self.record(person.id, "opt_out", how)
        return True

    async def opt_in(self, person: Artisan, how: str) -> bool:
        if not person.proactive_opt_out:
            return False
        person.proactive_opt_out = False
        await self.record(person.id, "opt_in", how)
        return True

    async def purge_inactive(self, limit: int = 200) -> int:
        """Delete the data of people silent for longer than RETENTION (as the consent text promises)."""
        cutoff = self.now - RETENTION
        later = aliased(ChannelIdentity)
        # Silent on every channel since the cutoff: some message before it, none after. Read from the index on
        # last_inbound_at (only the old identities), not by grouping every identity of every person.
        last_seen = select(ChannelIdentity.artisan_id).where(
            ChannelIdentity.last_inbound_at < cutoff,
            ~exists().where(later.artisan_id == ChannelIdentity.artisan_id, later.last_inbound_at >= cutoff),
        )
        people = (await self.session.execute(
            select(Artisan).where(Artisan.id.in_(last_seen), Artisan.is_demo.is_(False)).limit(limit)
        )).scalars().all()
        for person in people:
            await self.delete_person(person)
        return len(people)

    async def forget_finished(self) -> int:
        """Outbox rows that belong to nobody (the reply to a deletion, apologies) keep no address and no text
        once they are done; hashes of inbound message ids are kept only a week. Returns rows scrubbed."""
        scrubbed = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.artisan_id.is_(None), OutboxMessage.status.in_(FINISHED),
                   OutboxMessage.external_id != FORGOTTEN)
            .values(external_id=FORGOTTEN, body={}, provider_message_id=None, last_error=None)
        )
        await self.session.execute(delete(InboundMessage).where(InboundMessage.received_at < self.now - INBOUND_KEPT))
        return int(getattr(scrubbed, "rowcount", 0) or 0)

    async def delete_person(self, person: Artisan) -> int:
        """Delete the person's data; registrations stay only as anonymous counts. Returns cancelled seats."""
        registrations = Registrations(self.session, self.now, self.policy)
        upcoming = (
            await self.session.execute(
                select(Registration.code)
                .join(Training, Training.id == Registration.training_id)
                .where(Registration.artisan_id == person.id, Registration.status != "cancelled",
                       Training.starts_at > self.now)
            )
        ).scalars().all()
        for code in upcoming:  # free the seats of trainings still to come, so others can move up
            await registrations.cancel(person.id, code)
        await self.session.execute(
            update(Registration).where(Registration.artisan_id == person.id).values(artisan_id=None)
        )
        await self.session.execute(update(ConsentEvent).where(ConsentEvent.artisan_id == person.id)
                                   .values(artisan_id=None))
        await self.session.execute(update(AftercareAnswer).where(AftercareAnswer.artisan_id == person.id)
                                   .values(artisan_id=None, comment=None))  # a rating stays, anonymous
        await self.session.execute(delete(Certificate).where(Certificate.artisan_id == person.id))
        # follow-ups: none asked any more; answers given stay as anonymous counts of the funders' report
        await self.session.execute(update(FollowUp).where(FollowUp.artisan_id == person.id,
                                                          FollowUp.status.in_(("pending", "asked")))
                                   .values(status="skipped"))
        await self.session.execute(update(FollowUp).where(FollowUp.artisan_id == person.id).values(artisan_id=None))
        identities = (await self.session.execute(
            select(ChannelIdentity.channel, ChannelIdentity.external_id).where(ChannelIdentity.artisan_id == person.id)
        )).all()
        for channel, external_id in identities:  # rows addressed to them without a link (apologies)
            await self.session.execute(delete(OutboxMessage).where(OutboxMessage.channel == channel,
                                                                   OutboxMessage.external_id == external_id))
        for model in (Subscription, Reminder, OutboxMessage, Conversation, ChannelIdentity):
            await self.session.execute(delete(model).where(model.artisan_id == person.id))
        await self.session.delete(person)
        await self.record(None, "data_deleted", f"{len(upcoming)} upcoming registration(s) cancelled")
        logger.info("deleted a person's data (%d upcoming registrations cancelled)", len(upcoming))
        return len(upcoming)
