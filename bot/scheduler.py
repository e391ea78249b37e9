"""The scheduler: periodic, idempotent jobs (APScheduler) turning due reminders and new trainings into
outbox rows; one active scheduler at a time, by a lease held in the database."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from datetime import datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatch import Clock
from bot.services import confirmations, followups, seat_offers
from bot.services.aftercare import run_aftercare
from bot.services.announcements import announce_new
from bot.services.privacy import Privacy
from bot.services.reminders import Policy, fire_due
from db.models import SchedulerLease

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduler"


class Scheduler:
    """Runs `run_pass` every `interval` seconds while it holds the lease."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, policy: Policy,
                 interval: float, postgres: bool = False) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.policy = policy
        self.interval = interval
        self.postgres = postgres
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._aps: AsyncIOScheduler | None = None

    async def lead(self) -> bool:
        """Take or renew the lease; False while another scheduler holds a live one."""
        now = self.clock()
        ttl = timedelta(seconds=max(3 * self.interval, 30))
        async with self.sessionmaker() as session, session.begin():
            query = select(SchedulerLease).where(SchedulerLease.name == LEASE_NAME)
            if self.postgres:
                query = query.with_for_update()
            lease = (await session.execute(query)).scalar_one_or_none()
            if lease is None:
                session.add(SchedulerLease(name=LEASE_NAME, holder=self.holder, expires_at=now + ttl))
                return True
            if lease.holder != self.holder and lease.expires_at > now:
                return False
            if lease.holder != self.holder:
                logger.info("scheduler lease taken over from %s", lease.holder)
            lease.holder, lease.expires_at = self.holder, now + ttl
            return True

    async def release(self) -> None:
        async with self.sessionmaker() as session, session.begin():
            lease = await session.get(SchedulerLease, LEASE_NAME)
            if lease is not None and lease.holder == self.holder:
                lease.expires_at = self.clock() - timedelta(seconds=1)

    async def run_pass(self) -> dict[str, int] | None:
        """One pass: fire due reminders (one due with a confirmation question waits for it), announce new trainings, pass expired seat offers on, ask registrants to
        confirm, ask after ended trainings, ask due follow-ups. None when another scheduler leads."""
        if not await self.lead():
            return None
        now: datetime = self.clock()
        async with self.sessionmaker() as session, session.begin():
            counts = await fire_due(session, now, self.policy, skip_locked=self.postgres)
        async with self.sessionmaker() as session, session.begin():
            counts["announced"] = await announce_new(session, now, self.policy)
        async with self.sessionmaker() as session, session.begin():
            counts["offers_expired"] = await seat_offers.expire_due(session, now, self.policy)
        async with self.sessionmaker() as session, session.begin():
            asked = await confirmations.ask_due(session, now, self.policy)
            counts["confirm_asked"], counts["confirm_not_asked"] = asked["asked"], asked["not_asked"]
            counts["reminders_joined"] = asked["reminders_joined"]  # went as part of the question
        async with self.sessionmaker() as session, session.begin():
            counts.update(await run_aftercare(session, now, self.policy, lock=self.postgres))
        async with self.sessionmaker() as session, session.begin():
            counts["followups_planned"] = await followups.plan_attended(session, now)
            counts.update(await followups.fire_due(session, now, self.policy, skip_locked=self.postgres))
        async with self.sessionmaker() as session, session.begin():
            privacy = Privacy(session, now, "scheduler", self.policy)
            counts["purged"] = await privacy.purge_inactive()
            counts["forgotten"] = await privacy.forget_finished()
        if any(counts.values()):
            logger.info("scheduler pass: %s", counts)
        return counts

    async def _safe_pass(self) -> None:
        try:
            await self.run_pass()
        except Exception:  # the next pass tries again; nothing is half-written (one transaction each)
            logger.exception("scheduler pass failed")

    def start(self) -> None:
        self._aps = AsyncIOScheduler(timezone="UTC")
        self._aps.add_job(
            self._safe_pass, "interval", seconds=self.interval, id="scheduler-pass",
            misfire_grace_time=int(max(self.interval, 1)), coalesce=True, max_instances=1,
            next_run_time=datetime.now().astimezone(),
        )
        self._aps.start()
        logger.info("scheduler started (every %ss, holder %s)", self.interval, self.holder)

    async def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
        await self.release()
