"""The services one message or job may use, all bound to the same database session."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.trainings import TrainingCatalogue

logger = logging.getLogger(__name__)


@dataclass
class Services:
    session: AsyncSession
    trainings: TrainingCatalogue

    @classmethod
    def bind(cls, session: AsyncSession, now: datetime) -> Services:
        return cls(session=session, trainings=TrainingCatalogue(session, now))
