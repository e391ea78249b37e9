"""two-way confirmation before a training and seats offered to the waitlist with an expiry

Revision ID: 0008_confirm
Revises: 0007_checkin
Create Date: 2026-12-02 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_confirm'
down_revision = '0007_checkin'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirm_days', sa.Integer(), nullable=True))
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmation', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('confirmation_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        'seat_offers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('offered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_seat_offers_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['training_id'], ['trainings.id'],
                                name=op.f('fk_seat_offers_training_id_trainings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_offers')),
    )
    with op.batch_alter_table('seat_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_offers_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_offers_training_id'), ['training_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_offers_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seat_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_offers_expires_at'))
        batch_op.drop_index(batch_op.f('ix_seat_offers_training_id'))
        batch_op.drop_index(batch_op.f('ix_seat_offers_registration_id'))
    op.drop_table('seat_offers')
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+ has it): a batch copy would drop and re-create the table,
    # and SQLite's ON DELETE CASCADE would take every registration and check-in with it.
    op.drop_column('registrations', 'confirmation_at')
    op.drop_column('registrations', 'confirmation')
    op.drop_column('trainings', 'confirm_days')
