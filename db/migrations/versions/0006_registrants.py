"""registrations: an organizer's note (a nominee's) and the reason an organizer cancelled one

Revision ID: 0006_registrants
Revises: 0005_broadcasts
Create Date: 2026-12-01 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006_registrants'
down_revision = '0005_broadcasts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=200), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN: a batch copy of registrations would let SQLite's ON DELETE CASCADE take
    # every check-in with it.
    op.drop_column('registrations', 'cancel_reason')
    op.drop_column('registrations', 'note')
