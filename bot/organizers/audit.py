"""The audit log: every action of staff (and every failed or refused attempt) written by one call."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEvent

logger = logging.getLogger(__name__)

MAX_TEXT = 254


async def record(session: AsyncSession, action: str, actor: str, now: datetime, *, organizer_id: int | None = None,
                 staff_id: int | None = None, target: str | None = None, ip: str | None = None,
                 detail: dict[str, Any] | None = None) -> None:
    """Write one audit event in the caller's transaction (who, what, when, from where)."""
    session.add(AuditEvent(created_at=now, action=action, actor=actor[:MAX_TEXT], organizer_id=organizer_id,
                           staff_id=staff_id, target=target[:120] if target else None,
                           ip=ip[:45] if ip else None, detail=detail))
    await session.flush()
    logger.debug("audit: %s by staff %s (organizer %s) %s", action, staff_id, organizer_id, target or "")


async def count_recent(session: AsyncSession, action: str, since: datetime, *, actor: str | None = None,
                       ip: str | None = None) -> int:
    """How many `action` events since `since` by that actor and/or from that address (the sign-in limit)."""
    query = select(func.count()).where(AuditEvent.action == action, AuditEvent.created_at > since)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    return int(await session.scalar(query) or 0)
