"""One sending budget per platform account (and per chat) shared by every process, kept in PostgreSQL.

Each budget is a row holding the theoretical arrival time of its next message (GCRA, the generic cell rate
algorithm): a send reserves the next slot in one statement and waits until it, so the slots handed out to all
processes together are never closer than the platform's rate allows (a chat's allow a burst first). A reply
always gets the next slot; a proactive message (reminder, broadcast) only takes a slot that is less than
HORIZON ahead, else it waits and asks again: replies queue behind at most HORIZON of broadcast traffic, in
whichever process they are sent. On SQLite (one process) the in-process buckets of bot/ratelimit.py suffice."""

from __future__ import annotations

import logging
import time

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

logger = logging.getLogger(__name__)

HORIZON = 0.1  # seconds: how far ahead a proactive message may reserve the account's next slot
PRUNE_EVERY = 600.0  # seconds between deletions of budgets idle for longer than IDLE_KEPT
IDLE_KEPT = "1 hour"

# slot = max(now, tat - tau); tat' = max(tat, now) + period (tau = (burst - 1) * period). The WHERE of the
# update refuses a proactive message whose slot would be more than the horizon ahead (nothing returned then).
RESERVE = text("""
INSERT INTO send_budgets AS b (key, tat)
VALUES (:key, clock_timestamp() + make_interval(secs => CAST(:period AS double precision)))
ON CONFLICT (key) DO UPDATE
SET tat = greatest(b.tat, clock_timestamp()) + make_interval(secs => CAST(:period AS double precision))
WHERE CAST(:urgent AS boolean)
   OR b.tat - make_interval(secs => CAST(:ahead AS double precision)) <= clock_timestamp()
RETURNING greatest(0.0, extract(epoch FROM b.tat - clock_timestamp())
                        - CAST(:period AS double precision) - CAST(:tau AS double precision))::float8
""")
PRUNE = text(f"DELETE FROM send_budgets WHERE tat < clock_timestamp() - interval '{IDLE_KEPT}'")


class PostgresBudget:
    """Slots of the budgets in `send_budgets`, reserved with one autocommitted statement each."""

    def __init__(self, engine: AsyncEngine, horizon: float = HORIZON) -> None:
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.horizon = horizon
        self._pruned = time.monotonic()

    async def reserve(self, key: str, rate: float, burst: float = 1.0, urgent: bool = True) -> float | None:
        """Reserve the next slot of `key` (`rate` per second, `burst` at once): seconds until it, or None
        when a proactive (not `urgent`) message would have to reserve more than the horizon ahead."""
        period = 1.0 / rate
        async with self.engine.connect() as connection:
            found = (await connection.execute(RESERVE, {
                "key": key, "period": period, "tau": max(burst - 1.0, 0.0) * period, "urgent": urgent,
                "ahead": max(burst - 1.0, 0.0) * period + self.horizon,
            })).scalar_one_or_none()
            if time.monotonic() - self._pruned > PRUNE_EVERY:
                self._pruned = time.monotonic()
                await connection.execute(PRUNE)
        return None if found is None else float(found)
