"""outbox claims held by a token; inbound message ids kept only as hashes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

BATCH = 1000


def _hash(channel: str, message_id: str) -> str:
    # the same rule as db.models.inbound_key (copied here: a migration must not change when the code does)
    return hashlib.sha256(f"{channel}:{message_id}".encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=32), nullable=True))
    # Real WhatsApp message ids embed the sender's phone number: keep only a hash of each id.
    connection = op.get_bind()
    inbound = sa.table('inbound_messages', sa.column('id', sa.Integer), sa.column('channel', sa.String),
                       sa.column('message_id', sa.String))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(inbound.c.id, inbound.c.channel, inbound.c.message_id)
            .where(inbound.c.id > last).order_by(inbound.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        for row_id, channel, message_id in rows:
            if len(message_id) != 64 or not all(c in "0123456789abcdef" for c in message_id):
                connection.execute(sa.update(inbound).where(inbound.c.id == row_id)
                                   .values(message_id=_hash(channel, message_id)))
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('claim_token')
