"""Isolation that fails closed: every query of an organizer-side session sees only its organizer's rows.

A session made by `organizer_sessionmaker` is an `OrganizerSession`. Its `do_orm_execute` hook adds
`with_loader_criteria` for the organizer-owned entities (trainings, registrations through their training,
check-ins through their registration, failed scans, seat offers and follow-ups through their training, broadcasts,
staff accounts) to every statement, and raises `ScopeMissing` when the session carries no organizer, so a forgotten
scope fails instead of leaking. Its
`before_flush` hook refuses to write a row of another organizer. The chat side uses plain sessions: nothing
here touches them.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, with_loader_criteria

from db.models import (
    AftercareAnswer,
    Broadcast,
    Certificate,
    CheckIn,
    CheckInAttempt,
    FollowUp,
    Registration,
    SeatOffer,
    StaffAccount,
    Training,
)

logger = logging.getLogger(__name__)

SCOPE_KEY = "kriya_organizer_id"  # in Session.info: the organizer whose rows this session may see


OWNED_TABLES = frozenset(model.__table__ for model in (Training, Registration, CheckIn, CheckInAttempt, SeatOffer,
                                                       Broadcast, StaffAccount, AftercareAnswer, Certificate, FollowUp))


class ScopeMissing(RuntimeError):
    """An organizer-side session ran a statement without an organizer (or one the scope cannot cover)."""


class OrganizerSession(Session):
    """A session of the organizers' side (console, API): scoped to one organizer, or unusable."""


def organizer_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions of the organizers' side; open one with `scoped(maker, organizer_id)`."""
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=OrganizerSession)


def scoped(maker: async_sessionmaker[AsyncSession], organizer_id: int) -> AsyncSession:
    """A session of `maker` that sees only the rows of `organizer_id`."""
    return maker(info={SCOPE_KEY: organizer_id})


def scope_of(session: Session | AsyncSession) -> int:
    """The organizer a session is scoped to; raises ScopeMissing when it has none."""
    organizer_id = session.info.get(SCOPE_KEY)
    if not isinstance(organizer_id, int) or isinstance(organizer_id, bool):
        raise ScopeMissing("an organizer-side session without an organizer: refusing to query organizer data")
    return organizer_id


@event.listens_for(OrganizerSession, "do_orm_execute")
def _add_scope(state: ORMExecuteState) -> None:
    organizer_id = scope_of(state.session)
    if not state.is_orm_statement:
        # Core and textual SQL bypass the criteria: the organizers' side may not run them at all.
        raise ScopeMissing("an organizer-side session runs ORM statements only (the scope cannot cover raw SQL)")
    if state.is_insert and getattr(state.statement, "table", None) in OWNED_TABLES:
        # A bulk INSERT skips the unit of work, whose before_flush check below keeps rows in the scope.
        raise ScopeMissing("an organizer-side session adds organizer data through the session, not INSERT")
    if state.is_column_load or state.is_relationship_load:
        return  # lazy loads carry the criteria of the statement that loaded their parent
    if state.is_select or state.is_update or state.is_delete:
        own_trainings = select(Training.id).where(Training.organizer_id == organizer_id)
        own_registrations = select(Registration.id).where(Registration.training_id.in_(own_trainings))
        state.statement = state.statement.options(
            with_loader_criteria(Training, Training.organizer_id == organizer_id, include_aliases=True),
            with_loader_criteria(Registration, Registration.training_id.in_(own_trainings), include_aliases=True),
            with_loader_criteria(Broadcast, Broadcast.organizer_id == organizer_id, include_aliases=True),
            with_loader_criteria(CheckIn, CheckIn.registration_id.in_(own_registrations), include_aliases=True),
            with_loader_criteria(CheckInAttempt, CheckInAttempt.training_id.in_(own_trainings), include_aliases=True),
            with_loader_criteria(SeatOffer, SeatOffer.training_id.in_(own_trainings), include_aliases=True),
            with_loader_criteria(StaffAccount, StaffAccount.organizer_id == organizer_id, include_aliases=True),
            with_loader_criteria(AftercareAnswer, AftercareAnswer.training_id.in_(own_trainings), include_aliases=True),
            with_loader_criteria(Certificate, Certificate.training_id.in_(own_trainings), include_aliases=True),
            with_loader_criteria(FollowUp, FollowUp.training_id.in_(own_trainings), include_aliases=True),
        )


@event.listens_for(OrganizerSession, "before_flush")
def _refuse_foreign_rows(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    organizer_id = scope_of(session)
    for row in (*session.new, *session.dirty):
        if isinstance(row, Training | Broadcast | StaffAccount) and row.organizer_id != organizer_id:
            raise ScopeMissing(f"refusing to write a {type(row).__name__} of another organizer")
