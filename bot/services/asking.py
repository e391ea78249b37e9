"""When a training's registrants are asked whether they come, and which reminders come with that question: one
place for both rules (bot/services/confirmations.py asks, bot/services/reminders.py holds the reminders back)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from db.models import Registration, Training

logger = logging.getLogger(__name__)

DEFAULT_CONFIRM_DAYS = 3
# A reminder whose offset is this close to the question's (3 days before, and a reminder 3 days before) goes as
# part of the question: one message with the reminder's facts and the question's buttons, not two.
JOINS_REMINDER_WITHIN = timedelta(hours=6)
MERGED = "merged"  # a reminder's status: it went as part of the confirmation question


def confirm_days(training: Training) -> int:
    return DEFAULT_CONFIRM_DAYS if training.confirm_days is None else training.confirm_days


def asking_from(training: Training) -> datetime | None:
    """When the training's registrants are asked; None when they are not (confirm_days 0)."""
    days = confirm_days(training)
    return training.starts_at - timedelta(days=days) if days > 0 else None


def joins_question(training: Training, offset: timedelta) -> bool:
    """Whether the reminder `offset` before the start goes with the training's confirmation question."""
    days = confirm_days(training)
    return days > 0 and abs(timedelta(days=days) - offset) <= JOINS_REMINDER_WITHIN


def question_to_come(training: Training, registration: Registration) -> datetime | None:
    """The moment the registration's confirmation question is still to be asked (it will carry the reminders
    that join it); None when it is not asked (confirm_days 0, registered after the moment) or was already."""
    moment = asking_from(training)
    if moment is None or registration.confirmation is not None or registration.created_at > moment:
        return None
    return moment
