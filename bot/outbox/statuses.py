"""Delivery statuses a platform reports (sent, delivered, read, failed), recorded on the outbox row that sent
the message; a proactive message refused because the person's window closed is re-queued as its template."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox.rows import PROVIDER_IDS, Sessionmaker
from db.models import OutboxMessage

logger = logging.getLogger(__name__)

STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}  # a status never goes back
FAILED = "failed"
# In an outbox body: send this row as its kind's template (WhatsApp's re-engagement message).
TEMPLATE_FLAG = "whatsapp_template"
# In an outbox body: the WHATSAPP_TEMPLATES entry it goes as, before its outbox kind's (a proactive message's own
# kind: "confirm", "offer", ...; bot.services.proactive writes it).
TEMPLATE_KIND = "template_kind"
ERROR_MAX = 300


def _like_pattern(message_id: str) -> str:
    """A LIKE pattern matching `message_id` as a JSON string anywhere in a body."""
    return '%"' + message_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'


def _never(*_args: Any) -> Any:
    return None


@dataclass
class DeliveryStatuses:
    """Records a channel's delivery statuses on its outbox rows.

    `known` maps a message id this process sent to its outbox id (a quick way to a part's row);
    `has_template` says whether a message (its kind and body) has a template to fall back on when a send failed with
    `window_closed_code` (then the row is queued again, to go as that template)."""

    sessionmaker: Sessionmaker
    clock: Callable[[], datetime]
    channel: str
    window_closed_code: int | None = None
    has_template: Callable[[str, dict[str, Any]], bool] = _never  # (outbox kind, body)
    known: Callable[[str], int | None] = _never

    async def record(self, message_id: str, status: str, *, error: str = "", error_code: int | None = None) -> bool:
        """Record `status` on the row that sent `message_id` (never a lower status over a higher one).
        False when no row is known for the message (yet): the caller may try again a little later."""
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            row = await self._find_row(session, message_id, thorough=status == FAILED)
            if row is None:
                return False
            lower = [name for name, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
            values: dict[str, Any] = {"delivery_status": status}
            if status == FAILED:
                values["last_error"] = error or FAILED
                if error_code is not None and error_code == self.window_closed_code:
                    values.update(self._as_template(row, error, now))
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id,
                       or_(OutboxMessage.delivery_status.is_(None), OutboxMessage.delivery_status.in_(lower)))
                .values(**values)
            )
            if getattr(result, "rowcount", 1) and status == FAILED:
                logger.warning("%s message of outbox %s failed: %s", self.channel, row.id, error)
        return True

    def _as_template(self, row: OutboxMessage, error: str, now: datetime) -> dict[str, Any]:
        """The values that queue a proactive row again as its template (none for a reply or a template)."""
        if row.kind == "reply" or row.body.get(TEMPLATE_FLAG) or not self.has_template(row.kind, row.body):
            return {}
        body = {k: v for k, v in row.body.items() if k != PROVIDER_IDS}
        body[TEMPLATE_FLAG] = True
        body["failed_provider_ids"] = row.body.get(PROVIDER_IDS) or [row.provider_message_id]
        logger.info("outbox %s: window closed (%s), re-queued as the '%s' template", row.id, self.window_closed_code,
                    row.kind)
        return {"status": "pending", "not_before": now, "claimed_at": None, "provider_message_id": None,
                "body": body, "delivery_status": None, "last_error": f"{error}; re-queued as template"[:ERROR_MAX]}

    async def _find_row(self, session: AsyncSession, message_id: str, thorough: bool) -> OutboxMessage | None:
        """The row that sent `message_id`: by its last id, a part's id sent here, or a search of the bodies."""
        row = (
            await session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.channel == self.channel, OutboxMessage.provider_message_id == message_id
                )
            )
        ).scalars().first()
        if row is None:
            outbox_id = self.known(message_id)
            if outbox_id:
                row = await session.get(OutboxMessage, outbox_id)
        if row is None and thorough:  # an earlier part of a long message (its id is in body["provider_ids"])
            row = (
                await session.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.channel == self.channel,
                        OutboxMessage.provider_message_id.is_not(None),
                        cast(OutboxMessage.body, Text).like(_like_pattern(message_id), escape="\\"),
                    ).limit(1)
                )
            ).scalars().first()
        if row is None:
            return None
        current = row.body.get(PROVIDER_IDS) if isinstance(row.body, dict) else None
        if row.provider_message_id != message_id and message_id not in (current or []):
            return None  # a status of an earlier attempt, or not yet recorded
        return row
