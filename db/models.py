"""SQLAlchemy 2 models: people and their channels, organizers, trainings, registrations, messaging."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db.roles import STAFF_ROLES as ROLES

logger = logging.getLogger(__name__)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class Artisan(Base):
    """One person, reachable on one or more channels."""

    __tablename__ = "artisans"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str | None] = mapped_column(String(120))
    full_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5), default="id")
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    crafts: Mapped[list[str]] = mapped_column(JSON, default=list)
    province: Mapped[str | None] = mapped_column(String(13))
    regency: Mapped[str | None] = mapped_column(String(13))
    business_name: Mapped[str | None] = mapped_column(String(120))
    gender: Mapped[str | None] = mapped_column(String(12))  # female, male, undisclosed (None: never asked)
    consent_at: Mapped[datetime | None]
    proactive_opt_out: Mapped[bool] = mapped_column(Boolean, default=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="artisan", lazy="raise")


class ChannelIdentity(Base):
    """How one artisan is reached on one channel (Telegram chat id, WhatsApp number, console user)."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    last_inbound_at: Mapped[datetime | None] = mapped_column(index=True)  # the purge reads the oldest
    unreachable_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    artisan: Mapped[Artisan] = relationship(back_populates="identities", lazy="raise")


class Organizer(Base):
    __tablename__ = "organizers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(200))


class Training(Base):
    __tablename__ = "trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    craft: Mapped[str] = mapped_column(String(20), index=True)
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id"))
    province: Mapped[str] = mapped_column(String(13), index=True)
    regency: Mapped[str | None] = mapped_column(String(13))
    venue: Mapped[str] = mapped_column(String(300))
    mode: Mapped[str] = mapped_column(String(10))  # offline, online, hybrid
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    registration_deadline: Mapped[datetime | None]
    quota: Mapped[int | None] = mapped_column(Integer)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    contact: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    requirements: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(5), default="id")
    status: Mapped[str] = mapped_column(String(12), default="published")  # published, cancelled
    # the organizer's rule for a certificate of attendance: at least this many days (None: every day)
    certificate_days: Mapped[int | None] = mapped_column(Integer)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    announced_at: Mapped[datetime | None]  # when subscribers were told (None: not yet)
    confirm_days: Mapped[int | None] = mapped_column(Integer)  # confirmation asked N days before (None: 3; 0: never)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organizer: Mapped[Organizer] = relationship(lazy="joined")


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("training_id", "artisan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    # NULL once the person deleted their data: the row stays as an anonymous count.
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12))  # registered, waitlisted, cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    note: Mapped[str | None] = mapped_column(String(200))  # an organizer's note (a nominee: who sent them)
    cancel_reason: Mapped[str | None] = mapped_column(String(200))  # an organizer's reason, told to the person
    # Whether they come (bot/services/confirmations.py): None (not asked yet), asked, confirmed, declined, not_asked
    confirmation: Mapped[str | None] = mapped_column(String(12))
    confirmation_at: Mapped[datetime | None]  # when it was asked or answered


class SeatOffer(Base):
    """A freed seat offered to a waitlisted person until `expires_at` (bot/services/offers.py); one pending offer
    holds one seat."""

    __tablename__ = "seat_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, accepted, declined, expired, withdrawn
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    answered_at: Mapped[datetime | None]


class Subscription(Base):
    """Follow a craft and/or a region for announcements of new trainings."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("artisan_id", "craft", "region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id", ondelete="CASCADE"), index=True)
    craft: Mapped[str] = mapped_column(String(20), default="")  # "" = any craft
    region: Mapped[str] = mapped_column(String(13), default="")  # "" = anywhere
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConsentEvent(Base):
    """Every consent, subscription and opt-out change, with its time and how it was made."""

    __tablename__ = "consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conversation(Base):
    """The state of one person's conversation: the form being filled and the last options shown."""

    __tablename__ = "conversations"

    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def inbound_key(channel: str, message_id: str) -> str:
    """What `inbound_messages` keeps of a platform's message id: a hash (WhatsApp ids embed the phone number)."""
    return hashlib.sha256(f"{channel}:{message_id}".encode()).hexdigest()


class InboundMessage(Base):
    """Hashes of processed inbound message ids, so a message delivered twice is handled once."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutboxMessage(Base):
    """A message waiting to be sent (or sent, or failed): the only path for proactive messages."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # reply, reminder, announcement, broadcast, notice
    body: Mapped[dict[str, Any]] = mapped_column(JSON)  # {"text":..., "buttons":[...], "template": {...}}
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending, sending, sent, failed, skipped
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    claimed_at: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))  # who holds the claim: only they record the send
    sent_at: Mapped[datetime | None]
    provider_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    delivery_status: Mapped[str | None] = mapped_column(String(16))  # delivered, read, failed (from webhooks)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the organizer's broadcast this row sends (None: any other message); its delivery log reads by this
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True)


class Reminder(Base):
    """A planned reminder of a registration (or of a deadline for a subscriber): fired into the outbox."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # reminder:{registration}:{offset}
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id", ondelete="CASCADE"), index=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # before_start, deadline
    offset_seconds: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime]
    # pending, queued (in the outbox), expired (missed), dropped (cancelled or moved), skipped (opted out),
    # merged (went as part of the confirmation question, bot/services/asking.py)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Broadcast(Base):
    """An organizer's message to an audience, sent now or at a set time (`kriya broadcast`)."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    craft: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(13))
    training_code: Mapped[str | None] = mapped_column(String(32))
    send_at: Mapped[datetime]
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # whose broadcast (None: the operator's, from the command line; no organizer sees it)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id", ondelete="SET NULL"), index=True)
    # the console's send form, once: the same form posted twice finds its broadcast instead of making a second
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)


class SchedulerLease(Base):
    """Which worker runs the scheduler now (one at a time), renewed while it lives."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    expires_at: Mapped[datetime]


class SendBudget(Base):
    """One sending budget shared by every process (PostgreSQL): a platform account's, or one chat's on it.

    `tat` is the theoretical arrival time of the next message (GCRA): each send moves it one period on."""

    __tablename__ = "send_budgets"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    tat: Mapped[datetime]


# --- the organizers' side: staff accounts, their credentials, the audit log ------------------------------

STAFF_ROLES = ROLES  # one list of roles, in db/roles.py


class StaffAccount(Base):
    """A person of an organizer's office who signs in to the console or calls the API, with one role."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    organizer_id: Mapped[int] = mapped_column(ForeignKey("organizers.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # one of STAFF_ROLES
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None until a password is set
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organizer: Mapped[Organizer] = relationship(lazy="joined")


class StaffCredential(Base):
    """An API token, a console session or a one-time sign-in link of a staff account; only its SHA-256 is kept."""

    __tablename__ = "staff_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # api, session, link
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(80))
    csrf: Mapped[str | None] = mapped_column(String(64))  # a session's CSRF token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class AuditEvent(Base):
    """One action of staff (or an attempt at one): who, what, when, from where."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_action_at", "action", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    organizer_id: Mapped[int | None] = mapped_column(ForeignKey("organizers.id", ondelete="SET NULL"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))  # the email as given (kept when the account goes)
    action: Mapped[str] = mapped_column(String(40))  # signin, signin_failed, signout, token_created, ...
    target: Mapped[str | None] = mapped_column(String(120))
    ip: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class WebSecret(Base):
    """A random key of the web side (the cookie signing key), made once and shared by every web process."""

    __tablename__ = "web_secrets"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckIn(Base):
    """A registrant's arrival on one day of the training (the training's own local day), recorded by staff from the
    person's ticket: once per registration and day."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("registration_id", "day", name="uq_checkins_registration_id_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)  # the scanning page's own id (retries)


class CheckInAttempt(Base):
    """A scan that checked nobody in, with the reason (unknown ticket, another training's, not a seat, not
    today, already checked in): the ticket as typed, no name, no phone."""

    __tablename__ = "checkin_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    ticket: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(20))  # see bot.services.checkins.REASONS
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id", ondelete="SET NULL"))
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)


class AftercareAnswer(Base):
    """After a training: the question asked of one registrant (feedback if they came, why not if they did not)
    and their answer. One per registration: asked once."""

    __tablename__ = "aftercare_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    # NULL once the person deleted their data: the rating stays as an anonymous count, the comment goes
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # feedback (attended), absence (did not come)
    asked_at: Mapped[datetime | None]  # when the question goes (None: not sent, the person said STOP)
    rating: Mapped[int | None] = mapped_column(Integer)  # 1-5 (feedback)
    reason: Mapped[str | None] = mapped_column(String(12))  # sakit, bentrok, jauh, lupa, lainnya (absence)
    comment: Mapped[str | None] = mapped_column(Text)  # the free answer (may be skipped)
    answered_at: Mapped[datetime | None]


class Certificate(Base):
    """A certificate of attendance: issued once per registration, verified in public by its random code."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    artisan_id: Mapped[int] = mapped_column(ForeignKey("artisans.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))  # as the registrant typed it, in any script
    language: Mapped[str] = mapped_column(String(5), default="id")
    days_attended: Mapped[int] = mapped_column(Integer, default=1)
    link: Mapped[str] = mapped_column(String(300))  # its /verify address, as printed on it
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(Base):
    """A question about outcomes 1, 3 or 6 months after a training the person attended, and its answers."""

    __tablename__ = "followups"
    __table_args__ = (Index("ix_followups_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)  # followup:{registration}:{months}
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"), index=True)
    # NULL once the person deleted their data: the answers stay as anonymous counts.
    artisan_id: Mapped[int | None] = mapped_column(ForeignKey("artisans.id", ondelete="SET NULL"), index=True)
    months: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]
    # pending, asked (in the outbox), answered, skipped (opted out, deleted, unreachable), expired
    status: Mapped[str] = mapped_column(String(12), default="pending")
    sales: Mapped[str | None] = mapped_column(String(8))  # up, same, down
    certifications: Mapped[list[str] | None] = mapped_column(JSON)  # bnsp, merek, nib, batikmark; [] = none
    online: Mapped[bool | None] = mapped_column(Boolean)
    asked_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
