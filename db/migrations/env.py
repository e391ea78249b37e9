"""Alembic environment: runs on the connection Kriya hands over (see db.session.upgrade)."""

from __future__ import annotations

import logging

from alembic import context

from db.models import Base

logger = logging.getLogger(__name__)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `kriya db upgrade`, which passes a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
