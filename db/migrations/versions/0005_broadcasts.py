"""the console's broadcasts: outbox rows know their broadcast (the delivery log), a broadcast its send form's key

Revision ID: 0005_broadcasts
Revises: 0004
Create Date: 2026-12-01 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005_broadcasts'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('broadcast_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_broadcast_id_broadcasts'), 'broadcasts',
                                    ['broadcast_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_broadcasts_request_key'), ['request_key'])


def downgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_broadcasts_request_key'), type_='unique')
        batch_op.drop_column('request_key')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_broadcast_id_broadcasts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_broadcast_id'))
        batch_op.drop_column('broadcast_id')
