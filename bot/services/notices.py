"""Proactive notices to one person (a waitlist promotion, ...): rendered in their language, queued in the outbox."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Button, Reply
from bot.delivery import reply_to_body
from bot.i18n import _, format_when, use_language
from bot.outbox import enqueue
from bot.regions import zone_of
from db.models import Artisan, ChannelIdentity, Training

logger = logging.getLogger(__name__)


async def best_identity(session: AsyncSession, artisan_id: int) -> ChannelIdentity | None:
    """The channel the person wrote on most recently (and can still be reached on)."""
    return (
        await session.execute(
            select(ChannelIdentity)
            .where(ChannelIdentity.artisan_id == artisan_id, ChannelIdentity.unreachable_since.is_(None))
            .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last(), ChannelIdentity.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()


async def best_identities(session: AsyncSession, artisan_ids: list[int]) -> dict[int, ChannelIdentity]:
    """`best_identity` for many people in one query."""
    found: dict[int, ChannelIdentity] = {}
    rows = (await session.execute(
        select(ChannelIdentity)
        .where(ChannelIdentity.artisan_id.in_(artisan_ids), ChannelIdentity.unreachable_since.is_(None))
        .order_by(ChannelIdentity.artisan_id, ChannelIdentity.last_inbound_at.desc().nulls_last(),
                  ChannelIdentity.id.desc())
    )).scalars()
    for identity in rows:
        found.setdefault(identity.artisan_id, identity)
    return found


async def _render(session: AsyncSession, kind: str, params: dict[str, Any]) -> Reply:
    if kind == "promoted":
        training = (
            await session.execute(select(Training).where(Training.code == params["training_code"]))
        ).scalar_one()
        text = _(
            "Kabar baik! Ada kursi kosong dan Anda sekarang terdaftar di {title} ({code}). "
            "Kode pendaftaran Anda: {registration}."
        ).format(title=training.title, code=training.code, registration=params["registration_code"])
        return Reply(text, (Button(_("Lihat pelatihan"), f"td:{training.code}"), Button(_("Pelatihan saya"), "my")))
    if kind in ("moved", "cancelled"):
        training = (
            await session.execute(select(Training).where(Training.code == params["training_code"]))
        ).scalar_one()
        if kind == "cancelled":
            text = _("Mohon maaf, {title} ({code}) dibatalkan oleh penyelenggara. Pendaftaran Anda ikut batal.").format(
                title=training.title, code=training.code)
            return Reply(text, (Button(_("Pelatihan lain"), "tl"),))
        zone = zone_of(training.regency or training.province)
        text = _("Jadwal {title} ({code}) berubah. Sekarang mulai {when}. Pengingat kami sesuaikan.").format(
            title=training.title, code=training.code, when=format_when(training.starts_at, zone.zone, zone.name))
        return Reply(text, (Button(_("Lihat pelatihan"), f"td:{training.code}"),))
    raise ValueError(f"unknown notice kind {kind}")


async def notify(session: AsyncSession, artisan_id: int, kind: str, now: datetime, key: str, **params: Any) -> bool:
    """Queue one notice for the person (once per key); False when they cannot be reached."""
    person = await session.get(Artisan, artisan_id)
    identity = await best_identity(session, artisan_id)
    if person is None or identity is None:
        return False
    with use_language(person.language):
        reply = await _render(session, kind, params)
    body = {**reply_to_body(reply), "language": person.language}
    row = await enqueue(session, artisan_id=artisan_id, channel=identity.channel, external_id=identity.external_id,
                        kind="notice", body=body, dedupe_key=key, now=now)
    return row is not None
