"""check-ins per day of a training (the training's local day), the page's client id, and failed scans kept

Revision ID: 0007_checkin
Revises: 0006_registrants
Create Date: 2026-12-02 19:30:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from bot.regions import zone_of

revision = '0007_checkin'
down_revision = '0006_registrants'
branch_labels = None
depends_on = None


def _fill_days() -> None:
    """Each existing check-in's day: the date of its time in its training's zone."""
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT checkins.id, checkins.checked_in_at, trainings.province, trainings.regency FROM checkins "
        "JOIN registrations ON registrations.id = checkins.registration_id "
        "JOIN trainings ON trainings.id = registrations.training_id")).all()
    for checkin_id, at, province, regency in rows:
        moment = datetime.fromisoformat(at) if isinstance(at, str) else at
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
        day = moment.astimezone(zone_of(regency or province).zone).date()
        connection.execute(sa.text("UPDATE checkins SET day = :day WHERE id = :id")
                           .bindparams(sa.bindparam("day", type_=sa.Date())), {"day": day, "id": checkin_id})


def upgrade() -> None:
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('client_id', sa.String(length=64), nullable=True))
    _fill_days()
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.alter_column('day', existing_type=sa.Date(), nullable=False)
        batch_op.drop_constraint('uq_checkins_registration_id', type_='unique')
        batch_op.create_unique_constraint('uq_checkins_registration_id_day', ['registration_id', 'day'])
        batch_op.create_unique_constraint(batch_op.f('uq_checkins_client_id'), ['client_id'])
    op.create_table(
        'checkin_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('ticket', sa.String(length=32), nullable=False),
        sa.Column('reason', sa.String(length=20), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('client_id', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'],
                                name=op.f('fk_checkin_attempts_staff_id_staff_accounts'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['training_id'], ['trainings.id'],
                                name=op.f('fk_checkin_attempts_training_id_trainings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_attempts')),
        sa.UniqueConstraint('client_id', name=op.f('uq_checkin_attempts_client_id')),
    )
    op.create_index(op.f('ix_checkin_attempts_training_id'), 'checkin_attempts', ['training_id'], unique=False)


def downgrade() -> None:
    """Back to one check-in per registration: the first day's is kept."""
    op.drop_index(op.f('ix_checkin_attempts_training_id'), table_name='checkin_attempts')
    op.drop_table('checkin_attempts')
    op.execute(sa.text("DELETE FROM checkins WHERE id NOT IN "
                       "(SELECT MIN(id) FROM checkins GROUP BY registration_id)"))
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_constraint('uq_checkins_client_id', type_='unique')
        batch_op.drop_constraint('uq_checkins_registration_id_day', type_='unique')
        batch_op.create_unique_constraint('uq_checkins_registration_id', ['registration_id'])
        batch_op.drop_column('client_id')
        batch_op.drop_column('day')
