"""What a broadcast will do before it is sent (after RapidPro's preview): who receives it, and who cannot and why.

The audience is `announcements.audience`; each person then either receives it on their best channel or is
blocked: they said STOP, their data was deleted or no channel reaches them any more (they blocked the bot),
or their channel is WhatsApp, their 24-hour window is over at the send time and no approved template is
configured for broadcasts (the sender could only fail). Sending takes the preview's recipients, so what was
previewed is what is queued.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.whatsapp import CHANNEL as WHATSAPP
from bot.channels.whatsapp import has_template, window_over
from bot.config import Settings
from bot.proactive_texts import BROADCAST, Tell, render
from bot.services.announcements import Audience, audience
from bot.services.proactive import OUTBOX_KINDS, best_identities
from db.models import Artisan, ChannelIdentity, Registration, Training

logger = logging.getLogger(__name__)

SAMPLE_SIZE = 5  # recipients named on the preview


@dataclass
class Preview:
    """Who a broadcast reaches and, counted apart, who it cannot reach."""

    text: str
    recipients: list[tuple[Artisan, ChannelIdentity]] = field(default_factory=list)
    opted_out: int = 0  # said STOP to proactive messages
    unreachable: int = 0  # data deleted, blocked the bot, or no channel left
    outside_window: int = 0  # WhatsApp, window over at the send time, no template for broadcasts

    @property
    def blocked(self) -> int:
        return self.opted_out + self.unreachable + self.outside_window

    @property
    def by_channel(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _person, identity in self.recipients:
            counts[identity.channel] = counts.get(identity.channel, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def sample(self) -> list[tuple[Artisan, ChannelIdentity]]:
        return self.recipients[:SAMPLE_SIZE]

    def message(self, at: datetime) -> str:
        """The message as its recipients will read it."""
        return render(Tell(BROADCAST, text=self.text), at).text


def broadcast_template(settings: Settings) -> bool:
    """Whether WhatsApp recipients outside their window can still get a broadcast (as its approved template)."""
    return has_template(settings.templates, OUTBOX_KINDS[BROADCAST])


async def preview(session: AsyncSession, text: str, wanted: Audience, send_at: datetime,
                  template: bool) -> Preview:
    """The recipients of a broadcast of `text` to `wanted` sent at `send_at`, and its blockers by reason."""
    found = Preview(text)
    people = await audience(session, wanted, with_opted_out=True)
    reachable = [person for person in people if not person.proactive_opt_out]
    found.opted_out = len(people) - len(reachable)
    found.unreachable = await _deleted_registrants(session, wanted)
    identities = await best_identities(session, [person.id for person in reachable])
    for person in reachable:
        identity = identities.get(person.id)
        if identity is None:
            found.unreachable += 1
        elif identity.channel == WHATSAPP and not template and window_over(identity.last_inbound_at, send_at):
            found.outside_window += 1
        else:
            found.recipients.append((person, identity))
    return found


async def _deleted_registrants(session: AsyncSession, wanted: Audience) -> int:
    """Registrants of the audience's training whose data was deleted (the registration stays, anonymous)."""
    if not wanted.training_code:
        return 0
    return int(await session.scalar(
        select(func.count(Registration.id)).join(Training, Training.id == Registration.training_id)
        .where(Training.code == wanted.training_code.upper(), Registration.artisan_id.is_(None),
               Registration.status != "cancelled")) or 0)
