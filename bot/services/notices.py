"""Proactive notices to one person (a waitlist promotion, a training moved or cancelled), through the one gate."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.aftercare_texts import ABSENCE, CERTIFICATE, FEEDBACK
from bot.proactive_texts import ADDED, ADDED_WAITLISTED, CANCELLED, MOVED, PROMOTED, REMOVED, Tell
from bot.services.proactive import best_identity, queue
from bot.services.timing import Policy
from db.models import Artisan, Training

logger = logging.getLogger(__name__)

NOTICE_KINDS = (PROMOTED, MOVED, CANCELLED, ADDED, ADDED_WAITLISTED, REMOVED)
PER_REGISTRATION = (PROMOTED, ADDED, ADDED_WAITLISTED, REMOVED)  # keyed "{kind}:{registration}:..."
PER_TRAINING = (MOVED, CANCELLED)  # keyed "{kind}:{training}:{registration}:..." (saving a changed training)


AFTERCARE = (FEEDBACK, ABSENCE, CERTIFICATE)  # after a training: keyed "{kind}:{registration}:after" (aftercare.KEY)


def key_prefixes(registration_id: int, training_id: int) -> list[str]:
    """How the keys of the notices about one registration begin (the callers of `notify` build them so)."""
    return ([f"{kind}:{registration_id}:" for kind in PER_REGISTRATION + AFTERCARE]
            + [f"{kind}:{training_id}:{registration_id}:" for kind in PER_TRAINING])


async def notify(session: AsyncSession, artisan_id: int, kind: str, now: datetime, key: str,
                 policy: Policy, **params: Any) -> bool:
    """Queue one notice for the person (once per key), after their quiet hours; False when they cannot be
    reached. `params`: training_code, registration_code for a promotion or an addition, reason for a removal."""
    if kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice kind {kind}")
    person = await session.get(Artisan, artisan_id)
    identity = await best_identity(session, artisan_id)
    if person is None or identity is None:
        return False
    training = (await session.execute(
        select(Training).where(Training.code == params["training_code"]))).scalar_one()
    tell = Tell(kind, training, registration_code=params.get("registration_code"), text=params.get("reason", ""))
    queued = await queue(session, person, identity, tell, key=key, now=now,
                         quiet_hours=policy.quiet_hours)
    return queued.row is not None
