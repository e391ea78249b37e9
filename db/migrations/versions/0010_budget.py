"""send_budgets: one sending budget per platform account (and chat) shared by every process; an index for the purge

Revision ID: 0010_budget
Revises: 0009_aftercare
Create Date: 2026-12-02 19:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_budget'
down_revision = '0009_aftercare'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'send_budgets',
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('tat', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_send_budgets')),
    )
    # the scheduler's privacy purge reads the identities silent for two years from here (not every identity)
    with op.batch_alter_table('channel_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_identities_last_inbound_at'), ['last_inbound_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('channel_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_identities_last_inbound_at'))
    op.drop_table('send_budgets')
