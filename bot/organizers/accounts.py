"""Staff accounts of organizers: roles, argon2 passwords, API tokens, console sessions and sign-in links.

Every secret handed out (a token, a session, a link) is random and shown once; the database keeps only its
SHA-256, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalogue import organizer_for
from db.models import STAFF_ROLES, Organizer, StaffAccount, StaffCredential

logger = logging.getLogger(__name__)

ROLES = STAFF_ROLES
# What each role may do (pretix-style permission flags, one set per role).
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"view", "registrants", "edit", "checkin", "staff", "broadcasts", "send", "reports"}),
    "staff": frozenset({"view", "registrants", "edit", "checkin", "broadcasts", "send", "reports"}),
    "checkin": frozenset({"view", "registrants", "checkin"}),
    "viewer": frozenset({"view", "registrants", "broadcasts", "reports"}),
}
TOKEN_PREFIX = {"api": "kriya_", "session": "", "link": ""}
SESSION_LIFETIME = timedelta(hours=12)
LINK_LIFETIME = timedelta(days=2)
PASSWORD_MIN = 10
PASSWORD_MAX = 256
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))  # verified against for unknown emails: same time either way


class AccountError(ValueError):
    """Bad input for an account (an email, a role, a password): the message says what."""


@dataclass(frozen=True)
class Staff:
    """Who is asking, resolved once per request: a staff member, their organizer and role."""

    id: int
    email: str
    organizer_id: int
    organizer: str
    role: str

    def may(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())


def _staff(account: StaffAccount) -> Staff:
    return Staff(account.id, account.email, account.organizer_id, account.organizer.name, account.role)


def normalize_email(email: str) -> str:
    """The email as stored: trimmed, lower-case; AccountError when it does not look like one."""
    value = email.strip().lower()
    if len(value) > 254 or not EMAIL_RE.match(value):
        raise AccountError(f"'{email.strip()}' is not an email address")
    return value


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"the password needs at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"the password may have at most {PASSWORD_MAX} characters")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


def digest(token: str) -> str:
    """What the database keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def _verify(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches (argon2 runs in a thread: it takes tens of milliseconds on purpose)."""
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False
    return await asyncio.to_thread(verify)


async def add_staff(session: AsyncSession, email: str, organizer: str, role: str,
                    password: str | None) -> StaffAccount:
    """A new account of `organizer` (created when new); AccountError when the email is taken or bad."""
    address = normalize_email(email)
    if role not in ROLES:
        raise AccountError(f"role '{role}' is not one of {', '.join(ROLES)}")
    if not organizer.strip():
        raise AccountError("the organizer's name is empty")
    if await session.scalar(select(StaffAccount.id).where(StaffAccount.email == address)) is not None:
        raise AccountError(f"{address} already has an account")
    owner: Organizer = await organizer_for(session, organizer.strip())
    password_hash = await asyncio.to_thread(hash_password, password) if password is not None else None
    account = StaffAccount(email=address, organizer_id=owner.id, role=role, password_hash=password_hash)
    session.add(account)
    await session.flush()
    account.organizer = owner
    return account


async def find_staff(session: AsyncSession, email: str) -> StaffAccount | None:
    try:
        address = normalize_email(email)
    except AccountError:
        return None
    return (await session.execute(select(StaffAccount).where(StaffAccount.email == address))).scalar_one_or_none()


async def list_staff(session: AsyncSession) -> list[StaffAccount]:
    query = select(StaffAccount).join(Organizer, Organizer.id == StaffAccount.organizer_id)
    return list((await session.execute(query.order_by(Organizer.name, StaffAccount.email))).scalars())


async def remove_staff(session: AsyncSession, email: str) -> bool:
    """Delete the account (its tokens and sessions go with it); False when there is none."""
    account = await find_staff(session, email)
    if account is None:
        return False
    await session.execute(delete(StaffCredential).where(StaffCredential.staff_id == account.id))
    await session.delete(account)
    await session.flush()
    return True


async def issue(session: AsyncSession, account_id: int, kind: str, now: datetime, label: str | None = None,
                lifetime: timedelta | None = None) -> tuple[str, StaffCredential]:
    """A new secret of `kind` (api, session, link): the secret itself, to show once, and its row."""
    token = TOKEN_PREFIX[kind] + secrets.token_urlsafe(32)
    credential = StaffCredential(
        staff_id=account_id, kind=kind, token_hash=digest(token), label=label,
        csrf=secrets.token_urlsafe(32) if kind == "session" else None,
        created_at=now, expires_at=now + lifetime if lifetime else None,
    )
    session.add(credential)
    await session.flush()
    return token, credential


async def resolve(session: AsyncSession, token: str, kind: str, now: datetime) -> tuple[Staff, StaffCredential] | None:
    """The staff member and credential a secret stands for, when it is of `kind` and not expired."""
    if not token or len(token) > 200:
        return None
    row = (await session.execute(
        select(StaffCredential, StaffAccount)
        .join(StaffAccount, StaffAccount.id == StaffCredential.staff_id)
        .where(StaffCredential.token_hash == digest(token), StaffCredential.kind == kind)
    )).first()
    if row is None:
        return None
    credential, account = row
    if credential.expires_at is not None and credential.expires_at <= now:
        return None
    return _staff(account), credential


async def authenticate(session: AsyncSession, email: str, password: str) -> Staff | None:
    """The staff member whose email and password these are (None otherwise, in the same time)."""
    account = await find_staff(session, email)
    if not await _verify(account.password_hash if account else None, password[:PASSWORD_MAX]):
        return None
    assert account is not None
    if _hasher.check_needs_rehash(account.password_hash or ""):
        account.password_hash = await asyncio.to_thread(hash_password, password)
    return _staff(account)


async def set_password(session: AsyncSession, staff_id: int, password: str) -> None:
    account = await session.get_one(StaffAccount, staff_id)
    account.password_hash = await asyncio.to_thread(hash_password, password)
    await session.flush()


async def revoke(session: AsyncSession, credential_id: int) -> None:
    await session.execute(delete(StaffCredential).where(StaffCredential.id == credential_id))
