"""The services one message or job may use, all bound to the same database session."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.aftercare import Aftercare
from bot.services.confirmations import Confirmations
from bot.services.followups import FollowUps
from bot.services.privacy import Privacy
from bot.services.registrations import Registrations
from bot.services.reminders import Policy
from bot.services.seat_offers import SeatOffers
from bot.services.subscriptions import Subscriptions
from bot.services.trainings import TrainingCatalogue

logger = logging.getLogger(__name__)


@dataclass
class Services:
    session: AsyncSession
    trainings: TrainingCatalogue
    registrations: Registrations
    privacy: Privacy
    subscriptions: Subscriptions
    policy: Policy  # when reminders go (to tell people who ask)
    confirmations: Confirmations
    seat_offers: SeatOffers
    aftercare: Aftercare  # answers to the questions after a training
    followups: FollowUps

    @classmethod
    def bind(cls, session: AsyncSession, now: datetime, channel: str, policy: Policy) -> Services:
        privacy = Privacy(session, now, channel, policy)
        return cls(
            session=session,
            trainings=TrainingCatalogue(session, now),
            registrations=Registrations(session, now, policy),
            privacy=privacy,
            subscriptions=Subscriptions(session, now, privacy),
            policy=policy,
            confirmations=Confirmations(session, now, policy),
            seat_offers=SeatOffers(session, now, policy),
            aftercare=Aftercare(session, now),
            followups=FollowUps(session, now),
        )
