"""A registrant's page: the person (name, phone, regency, crafts, channels), their registrations at this
organizer's trainings, and the delivery log of what this organizer's side sent them (its broadcasts, its
trainings' reminders and notices), with each send's state and failure reason.

Everything is read through the organizer's scoped session: another organizer's training, or a registration
not of that training, is 404."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.i18n import _
from bot.nlu.codes import normalize_code
from bot.organizers import queries
from bot.organizers.accounts import Staff
from bot.organizers.console import Console, render
from bot.organizers.console_broadcasts import texts as broadcast_texts
from bot.organizers.scope import scoped
from bot.services import broadcast_log
from bot.services.checkins import first_checkin
from db.models import Artisan, ChannelIdentity, Registration, StaffCredential, Training

logger = logging.getLogger(__name__)

SENDS_SHOWN = 100  # the newest sends the page lists
EXCERPT_LENGTH = 120  # characters of a message's text shown in the log


def person_texts() -> dict[str, str]:
    """The page's texts in the current language, by name (the template reads `p.name`)."""
    return {
        "back": _("Kembali ke pelatihan"),
        "phone": _("Nomor HP"),
        "channels": _("Kanal chat"),
        "registrations": _("Pendaftaran di pelatihan Anda"),
        "training": _("Nama pelatihan"),
        "registration_code": _("Kode pendaftaran"),
        "ticket": _("Tiket"),
        "ticket_sent": _("dikirim di chat sebagai QR; kode ini dipindai atau diketik saat masuk"),
        "no_ticket": _("belum ada: tiket hanya untuk yang mendapat kursi"),
        "checked_in": _("Hadir"),
        "not_checked_in": _("Belum hadir"),
        "log": _("Pesan yang Anda kirim kepadanya"),
        "log_hint": _("Siaran, pengingat dan pemberitahuan dari pelatihan Anda; {shown} terbaru.").format(
            shown=SENDS_SHOWN),
        "no_sends": _("Belum ada pesan yang dikirim kepadanya."),
        "when": _("Waktu"),
        "kind": _("Jenis"),
        "message": _("Pesan"),
        "broadcast": _("Siaran"),
        "reminder": _("Pengingat"),
        "notice": _("Pemberitahuan"),
    }


def excerpt(text: str) -> str:
    """The start of a message, on one line."""
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT_LENGTH else line[:EXCERPT_LENGTH - 1].rstrip() + "…"


class PersonPage:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.side = console.side

    async def show(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            found = await queries.training(session, request.path_params["code"])
            registration = await session.scalar(select(Registration).where(
                Registration.code == normalize_code(request.path_params["registration"]),
                Registration.training_id == found.training.id)) if found else None
            if found is None or registration is None:
                return render(request, "message.html", 404, staff=staff, csrf=credential.csrf,
                              message_key="not_found")
            person = (await session.get(Artisan, registration.artisan_id)
                      if registration.artisan_id is not None else None)
            registrations: Sequence[tuple[Registration, Training, datetime | None]] = []
            channels: list[str] = []
            sends: list[broadcast_log.Sent] = []
            if person is not None:
                registrations = (await session.execute(
                    select(Registration, Training, first_checkin())
                    .join(Training, Training.id == Registration.training_id)
                    .where(Registration.artisan_id == person.id)
                    .order_by(Training.starts_at.desc(), Registration.id)
                )).tuples().all()
                channels = list((await session.execute(
                    select(ChannelIdentity.channel).where(ChannelIdentity.artisan_id == person.id)
                    .order_by(ChannelIdentity.id))).scalars())
                sends = await broadcast_log.sent_to(
                    session, person.id, {r.id: (t.id, t.code) for r, t, _at in registrations}, SENDS_SHOWN)
        return render(request, "person.html", staff=staff, csrf=credential.csrf, training=found.training,
                      registration=registration, person=person, channels=channels, registrations=registrations,
                      sends=sends, excerpt=excerpt, person_texts=person_texts, broadcast_texts=broadcast_texts)


def routes(console: Console) -> list[BaseRoute]:
    page = PersonPage(console)
    # after the registrant actions' routes: /registrants/new, /cancel and /done are not registration codes
    return [Route("/console/trainings/{code}/registrants/{registration}", console.page("registrants", page.show),
                  methods=["GET"])]
