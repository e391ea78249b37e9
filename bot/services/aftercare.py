"""After a training: one question to each registrant (feedback to those who came, "why not?" to those who did not),
certificates of attendance by the organizer's rule, and the answers recorded. The pass is idempotent: one
`aftercare_answers` row per registration (asked once), outbox rows keyed per registration (KEY)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.aftercare_texts import ABSENCE, CERTIFICATE, FEEDBACK, RATINGS, REASONS
from bot.proactive_texts import Tell
from bot.services.certificates import attended_days, days_needed, new_code, verify_link
from bot.services.proactive import best_identities, queue
from bot.services.timing import Policy
from db.models import AftercareAnswer, Artisan, Certificate, Conversation, Registration, Training

logger = logging.getLogger(__name__)

KEY = "{kind}:{registration}:after"  # the outbox key of a question or certificate (bot.services.notices reads it)
AFTER_END = timedelta(hours=2)  # check-ins recorded late (an offline queue) still count
ASK_WITHIN = timedelta(days=7)  # a training that ended longer ago is not asked about (a first start, an outage)
ANSWER_WINDOW = timedelta(days=7)  # the question may still go, and is read in words, this long after it is due
PER_PASS = 500  # registrations one pass looks at
COMMENT_MAX = 1000
ASKED = "asked"  # conversation memory: the question Kriya asked last {"kind", "registration", "until"}


@dataclass(frozen=True)
class Asked:
    """The question a person was asked after a training and may answer in words."""

    kind: str  # feedback, absence
    registration: str  # its registration code


def asked_of(memory: dict[str, Any], now: datetime) -> Asked | None:
    """The question in the person's memory while it may still be answered in words."""
    found = memory.get(ASKED)
    if not isinstance(found, dict) or found.get("kind") not in (FEEDBACK, ABSENCE):
        return None
    try:
        until = datetime.fromisoformat(str(found.get("until")))
    except ValueError:
        return None
    return Asked(str(found["kind"]), str(found.get("registration"))) if now < until else None


async def run_aftercare(session: AsyncSession, now: datetime, policy: Policy, lock: bool = False) -> dict[str, int]:
    """Ask every registrant of the trainings that ended (once) and issue their certificates."""
    counts = {"feedback": 0, "absence": 0, "certificates": 0, "not_asked": 0}
    ended = (await session.execute(
        select(Training).where(Training.status == "published", Training.ends_at <= now - AFTER_END,
                               Training.ends_at > now - AFTER_END - ASK_WITHIN)
        .order_by(Training.ends_at, Training.id))).scalars().all()
    budget = PER_PASS
    for training in ended:
        if budget <= 0:
            break
        registrations = (await session.execute(
            select(Registration)
            .outerjoin(AftercareAnswer, AftercareAnswer.registration_id == Registration.id)
            .where(Registration.training_id == training.id, Registration.status == "registered",
                   Registration.artisan_id.is_not(None), AftercareAnswer.id.is_(None))
            .order_by(Registration.id).limit(budget))).scalars().all()
        if not registrations:
            continue
        budget -= len(registrations)
        await _ask_all(session, now, policy, training, list(registrations), counts, lock)
    await session.flush()
    return counts


async def _ask_all(session: AsyncSession, now: datetime, policy: Policy, training: Training,
                   registrations: list[Registration], counts: dict[str, int], lock: bool) -> None:
    attended = await attended_days(session, training)
    needed = days_needed(training)
    people_ids = sorted({r.artisan_id for r in registrations if r.artisan_id is not None})
    people = {p.id: p for p in (await session.execute(select(Artisan).where(Artisan.id.in_(people_ids)))).scalars()}
    identities = await best_identities(session, people_ids)
    for registration in registrations:
        assert registration.artisan_id is not None
        person = people[registration.artisan_id]
        days = attended.get(registration.id, 0)
        kind = FEEDBACK if days > 0 else ABSENCE
        answer = AftercareAnswer(registration_id=registration.id, training_id=training.id, artisan_id=person.id,
                                 kind=kind, asked_at=None)
        session.add(answer)
        certificate = None
        if days >= needed:
            code = new_code()
            certificate = Certificate(code=code, registration_id=registration.id, training_id=training.id,
                                      artisan_id=person.id, name=(person.full_name or person.display_name or "")[:120],
                                      language=person.language, days_attended=days,
                                      link=verify_link(policy.public_url, code), issued_at=now)
            session.add(certificate)
            counts["certificates"] += 1
        identity = identities.get(person.id)
        if identity is None or person.proactive_opt_out:
            counts["not_asked"] += 1  # STOP (or no channel): the certificate is issued, nothing is sent
            continue
        latest = now + ANSWER_WINDOW
        if certificate is not None:
            await queue(session, person, identity, Tell(CERTIFICATE, training, certificate.code,
                                                        text=certificate.link),
                        key=KEY.format(kind=CERTIFICATE, registration=registration.id), now=now, quiet_hours=policy.quiet_hours, latest=latest)
        queued = await queue(session, person, identity, Tell(kind, training, registration.code),
                             key=KEY.format(kind=kind, registration=registration.id), now=now, quiet_hours=policy.quiet_hours,
                             latest=latest)
        if queued.row is None or queued.at is None:
            counts["not_asked"] += 1
            continue
        answer.asked_at = queued.at
        counts[kind] += 1
        await _remember(session, person.id, kind, registration.code, queued.row.body, latest, lock)


async def _remember(session: AsyncSession, artisan_id: int, kind: str, registration_code: str,
                    body: dict[str, Any], until: datetime, lock: bool) -> None:
    """Note the question in the person's conversation, so that an answer in words is read as its answer; when
    no form is under way its buttons are the options a typed number or title chooses."""
    conversation = await session.get(Conversation, artisan_id, with_for_update=lock)
    if conversation is None:
        conversation = Conversation(artisan_id=artisan_id, state=None, data={})
        session.add(conversation)
    data = dict(conversation.data or {})
    memory = dict(data.get("memory") or {})
    memory[ASKED] = {"kind": kind, "registration": registration_code, "until": until.isoformat()}
    if conversation.state is None:
        memory["options"] = [[b["title"], b["payload"], b.get("answer") or ""] for b in body.get("buttons", [])]
    data["memory"] = memory
    conversation.data = data


@dataclass
class Aftercare:
    """A person's answers to the questions after a training (bound to one message's session)."""

    session: AsyncSession
    now: datetime

    async def _own(self, artisan_id: int, registration_code: str) -> AftercareAnswer | None:
        return (await self.session.execute(
            select(AftercareAnswer).join(Registration, Registration.id == AftercareAnswer.registration_id)
            .where(Registration.code == registration_code, AftercareAnswer.artisan_id == artisan_id,
                   AftercareAnswer.asked_at.is_not(None)))).scalar_one_or_none()

    async def rate(self, artisan_id: int, registration_code: str, rating: int) -> AftercareAnswer | None:
        """Record a rating (1-5) of a training the person was asked about; None when they were not."""
        answer = await self._own(artisan_id, registration_code)
        if answer is None or answer.kind != FEEDBACK or rating not in RATINGS:
            return None
        answer.rating, answer.answered_at = rating, self.now
        await self.session.flush()
        return answer

    async def explain(self, artisan_id: int, registration_code: str, reason: str) -> AftercareAnswer | None:
        """Record why the person did not come; None when they were not asked."""
        answer = await self._own(artisan_id, registration_code)
        if answer is None or answer.kind != ABSENCE or reason not in REASONS:
            return None
        answer.reason, answer.answered_at = reason, self.now
        await self.session.flush()
        return answer

    async def comment(self, artisan_id: int, registration_code: str, text: str) -> AftercareAnswer | None:
        """Record the free answer (after a rating, or the reason "lainnya")."""
        answer = await self._own(artisan_id, registration_code)
        if answer is None:
            return None
        answer.comment, answer.answered_at = text.strip()[:COMMENT_MAX], self.now
        await self.session.flush()
        return answer


@dataclass(frozen=True)
class Summary:
    """What the organizers' console shows of a training's aftercare."""

    asked: int
    rated: int
    average: float | None
    ratings: dict[int, int]
    reasons: dict[str, int]
    comments: list[tuple[int | None, str | None, str]]  # (rating, reason, comment), newest first
    certificates: list[tuple[str, str, datetime]]  # (code, name, issued)


COMMENTS_SHOWN = 200


async def summary(session: AsyncSession, training_id: int) -> Summary:
    """Feedback (average, count, answers), reasons for not coming, and certificates issued, of one training."""
    asked = await session.scalar(select(func.count()).select_from(AftercareAnswer).where(
        AftercareAnswer.training_id == training_id, AftercareAnswer.asked_at.is_not(None))) or 0
    ratings = dict((await session.execute(
        select(AftercareAnswer.rating, func.count()).where(AftercareAnswer.training_id == training_id,
                                                           AftercareAnswer.rating.is_not(None))
        .group_by(AftercareAnswer.rating))).tuples().all())
    reasons = dict((await session.execute(
        select(AftercareAnswer.reason, func.count()).where(AftercareAnswer.training_id == training_id,
                                                           AftercareAnswer.reason.is_not(None))
        .group_by(AftercareAnswer.reason))).tuples().all())
    comments = (await session.execute(
        select(AftercareAnswer.rating, AftercareAnswer.reason, AftercareAnswer.comment)
        .where(AftercareAnswer.training_id == training_id, AftercareAnswer.comment.is_not(None),
               AftercareAnswer.comment != "")
        .order_by(AftercareAnswer.answered_at.desc(), AftercareAnswer.id.desc()).limit(COMMENTS_SHOWN))).tuples().all()
    certificates = (await session.execute(
        select(Certificate.code, Certificate.name, Certificate.issued_at).where(Certificate.training_id == training_id)
        .order_by(Certificate.name, Certificate.id))).tuples().all()
    by_rating = {int(r): int(n) for r, n in ratings.items() if r is not None}
    rated = sum(by_rating.values())
    average = sum(r * n for r, n in by_rating.items()) / rated if rated else None
    return Summary(int(asked), rated, average, by_rating,
                   {str(r): int(n) for r, n in reasons.items()},
                   [(r, why, str(c)) for r, why, c in comments], list(certificates))
