"""What organizers do to one registrant: add a nominee (found by phone, or created), move one from the waitlist,
cancel one with a reason. The quota, the waitlist and the promotion of a freed seat are the chat's own
(`Registrations`); the person is told in the chat, in their language, through the notices' one gate."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from lokal import parse_phone
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.proactive_texts import ADDED, ADDED_WAITLISTED, REMOVED
from bot.services.notices import notify
from bot.services.registrations import Registrations
from bot.services.reminders import Policy
from db.models import Artisan, ChannelIdentity, Registration, Training

logger = logging.getLogger(__name__)

WHATSAPP = "whatsapp"  # its identities are the person's number, digits only (6281234567890)


def phone_e164(raw: str) -> str | None:
    """An Indonesian number as the chat stores it ('0812-3456-7890' -> '+6281234567890'); None when it is not one
    (lokal-id's reading, the registration form's too)."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits:
        return None
    parsed = parse_phone(digits if digits.startswith(("0", "62")) else "+" + digits)
    return parsed.e164 if parsed.valid and parsed.e164 else None


@dataclass(frozen=True)
class Nominee:
    """A person an organizer adds by hand (checked already: a valid phone, a regency code, craft codes)."""

    name: str
    phone: str  # E.164
    regency: str
    crafts: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    told: bool  # whether the person was told in the chat (False: no chat with Kriya yet)
    promoted: tuple[Registration, ...] = ()


async def person_by_phone(session: AsyncSession, phone: str) -> Artisan | None:
    """The person with that number: their WhatsApp identity first, else a stored phone (as the chat stores it,
    or its digits). The oldest when several share it."""
    digits = phone.lstrip("+")
    on_whatsapp = (await session.execute(
        select(Artisan).join(ChannelIdentity, ChannelIdentity.artisan_id == Artisan.id)
        .where(ChannelIdentity.channel == WHATSAPP, ChannelIdentity.external_id == digits)
        .order_by(Artisan.id).limit(1))).scalar_one_or_none()
    if on_whatsapp is not None:
        return on_whatsapp
    return (await session.execute(
        select(Artisan).where(Artisan.phone.in_((phone, digits))).order_by(Artisan.id).limit(1))).scalar_one_or_none()


async def _person_for(session: AsyncSession, nominee: Nominee, now: datetime) -> Artisan:
    """The nominee's person: found by phone (what they told the chat is kept; blanks are filled) or created."""
    person = await person_by_phone(session, nominee.phone)
    if person is None:
        person = Artisan(full_name=nominee.name, phone=nominee.phone, regency=nominee.regency,
                         province=nominee.regency.split(".")[0], crafts=list(nominee.crafts), language="id",
                         created_at=now, updated_at=now)
        session.add(person)
        await session.flush()
        logger.info("nominee: new person %s", person.id)
        return person
    person.full_name = person.full_name or nominee.name
    person.phone = person.phone or nominee.phone
    if not person.regency:
        person.regency, person.province = nominee.regency, nominee.regency.split(".")[0]
    if not person.crafts:
        person.crafts = list(nominee.crafts)
    return person


async def add(session: AsyncSession, training: Training, nominee: Nominee, now: datetime, policy: Policy) -> Outcome:
    """Register the nominee (or waitlist them when the training is full), as the chat would; raises
    RegistrationRefused (already, closed, started, cancelled) with nothing changed when the caller rolls back."""
    person = await _person_for(session, nominee, now)
    registration = await Registrations(session, now, policy).register(person.id, training.id)
    registration.note = nominee.note
    kind = ADDED if registration.status == "registered" else ADDED_WAITLISTED
    told = await notify(session, person.id, kind, now, key=f"{kind}:{registration.id}:{now.isoformat()}",
                        policy=policy, training_code=training.code, registration_code=registration.code)
    return Outcome(registration, told)


async def admit(session: AsyncSession, training: Training, registration: Registration, now: datetime,
                policy: Policy) -> Outcome:
    """Move a waitlisted person into a free seat and tell them; RegistrationRefused("full") when none is free."""
    told = await Registrations(session, now, policy).admit(registration)
    return Outcome(registration, told)


async def cancel(session: AsyncSession, training: Training, registration: Registration, reason: str, now: datetime,
                 policy: Policy) -> Outcome:
    """Cancel a live registration with the organizer's reason, tell the person (with the reason); a freed seat
    goes to the first on the waitlist, as when a person cancels in the chat."""
    promoted = await Registrations(session, now, policy).withdraw(registration, reason)
    told = False
    if registration.artisan_id is not None:
        told = await notify(session, registration.artisan_id, REMOVED, now,
                            key=f"{REMOVED}:{registration.id}:{now.isoformat()}", policy=policy,
                            training_code=training.code, reason=reason)
    return Outcome(registration, told, tuple(promoted))
