"""artisans.gender (asked optionally at registration) and followups (outcomes 1, 3 and 6 months after a training)

Revision ID: 0011_reports
Revises: 0010_budget
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_reports'
down_revision = '0010_budget'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('artisans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=12), nullable=True))
    op.create_table(
        'followups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=True),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('sales', sa.String(length=8), nullable=True),
        sa.Column('certifications', sa.JSON(), nullable=True),
        sa.Column('online', sa.Boolean(), nullable=True),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_followups_artisan_id_artisans'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_followups_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_followups_training_id_trainings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_followups')),
        sa.UniqueConstraint('key', name=op.f('uq_followups_key')),
    )
    op.create_index('ix_followups_due', 'followups', ['status', 'due_at'], unique=False)
    op.create_index(op.f('ix_followups_artisan_id'), 'followups', ['artisan_id'], unique=False)
    op.create_index(op.f('ix_followups_registration_id'), 'followups', ['registration_id'], unique=False)
    op.create_index(op.f('ix_followups_training_id'), 'followups', ['training_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_followups_training_id'), table_name='followups')
    op.drop_index(op.f('ix_followups_registration_id'), table_name='followups')
    op.drop_index(op.f('ix_followups_artisan_id'), table_name='followups')
    op.drop_index('ix_followups_due', table_name='followups')
    op.drop_table('followups')
    op.drop_column('artisans', 'gender')  # not a batch copy: see 0008_confirm's downgrade
