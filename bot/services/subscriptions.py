"""Subscriptions: follow a craft and/or a region to hear about new trainings."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.privacy import Privacy
from db.models import Subscription

logger = logging.getLogger(__name__)


class Subscriptions:
    def __init__(self, session: AsyncSession, now: datetime, privacy: Privacy) -> None:
        self.session = session
        self.now = now
        self.privacy = privacy

    async def of(self, artisan_id: int) -> list[Subscription]:
        return list(
            (await self.session.execute(
                select(Subscription).where(Subscription.artisan_id == artisan_id).order_by(Subscription.id)
            )).scalars()
        )

    async def add(self, artisan_id: int, craft: str | None, region: str | None) -> bool:
        """Follow (craft, region); '' stands for any. False when already followed."""
        craft, region = craft or "", region or ""
        for existing in await self.of(artisan_id):
            if (existing.craft, existing.region) == (craft, region):
                return False
        self.session.add(Subscription(artisan_id=artisan_id, craft=craft, region=region, created_at=self.now))
        await self.session.flush()
        await self.privacy.record(artisan_id, "subscribed", f"craft={craft or '*'} region={region or '*'}")
        return True

    async def remove(self, artisan_id: int, subscription_id: int) -> Subscription | None:
        found = await self.session.get(Subscription, subscription_id)
        if found is None or found.artisan_id != artisan_id:
            return None
        await self.session.delete(found)
        await self.session.flush()
        await self.privacy.record(artisan_id, "unsubscribed", f"craft={found.craft or '*'} region={found.region or '*'}")
        return found

    async def remove_where(self, artisan_id: int, craft: str | None = None,
                           province: str | None = None) -> list[Subscription]:
        """Remove the person's subscriptions to `craft` and/or within `province` (None: any); all when neither."""
        removed = [
            s for s in await self.of(artisan_id)
            if (not craft or s.craft == craft) and (not province or s.region.split(".")[0] == province)
        ]
        for found in removed:
            await self.session.delete(found)
        await self.session.flush()
        for found in removed:
            await self.privacy.record(artisan_id, "unsubscribed",
                                      f"craft={found.craft or '*'} region={found.region or '*'}")
        return removed
