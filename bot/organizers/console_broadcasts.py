"""The console's broadcasts: the form (text, audience, when), its preview (recipients and blockers), sending once
per form, the list, each broadcast's delivery log, resending the failed ones, and the dashboard's failed sends.

Sending goes the existing way (`announcements.schedule_broadcast`: the quiet-hours gate, one outbox row per
recipient, tied to the broadcast). The preview page carries a random request key: the send form posted twice
finds the broadcast it made the first time. Everything reads and writes through the organizer's scoped
session: another organizer's broadcast is not found (404).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.cli_broadcast import MAX_BROADCAST
from bot.crafts import CRAFTS, craft_name
from bot.i18n import _, format_when
from bot.organizers import audit, queries
from bot.organizers.accounts import Staff
from bot.organizers.console import Console, _address, _redirect, render
from bot.organizers.scope import scoped
from bot.regions import WIB, WIT, WITA, TimeZone, region_name
from bot.services import broadcast_log
from bot.services.announcements import Audience, schedule_broadcast
from bot.services.broadcast_preview import Preview, broadcast_template, preview
from bot.services.catalogue.places import place_code
from db.models import Broadcast, StaffCredential

logger = logging.getLogger(__name__)

ZONES = {zone.name: zone for zone in (WIB, WITA, WIT)}
REQUEST_KEY_BYTES = 24
LIST_SIZE = 50  # broadcasts on the list page (newest first)
LOG_SIZE = 500  # recipients shown on a log page (the counts cover them all)
FAILED_SENDS_DAYS = 7  # the dashboard's card shows failed sends this recent
FAILED_SENDS_SHOWN = 10
LATE_GRACE = timedelta(minutes=1)  # a "later" time this far in the past still counts as now
TRAININGS_OFFERED = timedelta(days=365)  # the form offers the registrants of trainings started this recently


def texts() -> dict[str, str]:
    """The broadcast pages' texts in the current language (templates call it while rendering, in the
    visitor's language, and read `b.name`)."""
    return {
        "broadcasts": _("Siaran"),
        "new": _("Siaran baru"),
        "text": _("Pesan"),
        "text_hint": _("Pesan dikirim apa adanya lewat chat (Telegram atau WhatsApp)."),
        "audience": _("Sasaran"),
        "audience_hint": _("Pilih minimal satu: kerajinan, wilayah, atau pendaftar sebuah pelatihan."),
        "craft": _("Kerajinan"),
        "region": _("Wilayah (provinsi atau kabupaten/kota)"),
        "region_hint": _("Tulis seperti biasa, mis. Jawa Tengah, Kabupaten Sleman, atau kode 34.04."),
        "training": _("Pendaftar pelatihan"),
        "any": _("Semua"),
        "none": _("Tidak dipilih"),
        "when": _("Waktu kirim"),
        "now": _("Kirim sekarang"),
        "later": _("Kirim pada waktu tertentu"),
        "send_at": _("Tanggal dan jam"),
        "zone": _("Zona waktu"),
        "quiet_hours": _("Pada jam tenang penerima, pesan menunggu sampai pagi di zona waktu mereka."),
        "to_preview": _("Pratinjau"),
        "preview": _("Pratinjau siaran"),
        "will_receive": _("Akan menerima"),
        "blocked": _("Tidak dapat dikirimi"),
        "opted_out": _("Berhenti berlangganan (STOP)"),
        "unreachable": _("Data dihapus atau tidak terjangkau (memblokir bot)"),
        "outside_window": _("WhatsApp di luar jendela 24 jam, tanpa templat yang disetujui"),
        "by_channel": _("Per kanal"),
        "sample": _("Contoh pesan"),
        "sample_people": _("Beberapa penerima"),
        "send": _("Kirim siaran"),
        "edit": _("Ubah"),
        "nobody": _("Tidak ada penerima yang dapat dikirimi. Ubah penerima siaran."),
        "list_empty": _("Belum ada siaran."),
        "sent_at": _("Dikirim"),
        "recipients": _("Penerima"),
        "log": _("Log pengiriman"),
        "name": _("Nama"),
        "channel": _("Kanal"),
        "status": _("Status"),
        "reason": _("Alasan"),
        "deleted_person": _("(data dihapus atas permintaan)"),
        "resend": _("Kirim ulang yang gagal"),
        "resent": _("{queued} dikirim ulang; {blocked} tidak dapat dikirimi lagi."),
        "shown_first": _("Ditampilkan {shown} pertama dari {total}."),
        "back": _("Kembali ke daftar siaran"),
        "failed_sends": _("Pengiriman gagal"),
        "failed_sends_hint": _("Siaran dan pengingat pelatihan Anda yang gagal, {days} hari terakhir.").format(
            days=FAILED_SENDS_DAYS),
        "no_failed_sends": _("Tidak ada pengiriman yang gagal."),
        "reminder": _("Pengingat"),
        "broadcast": _("Siaran"),
        "all_people": _("semua"),
        "pending": _("Menunggu"),
        "sent": _("Terkirim"),
        "delivered": _("Sampai"),
        "read": _("Dibaca"),
        "failed": _("Gagal"),
        "skipped": _("Dilewati"),
    }


def field_errors() -> dict[str, str]:
    """What is wrong with a field of the form, by reason."""
    return {
        "text": _("Tulis pesan, paling banyak {limit} karakter.").format(limit=MAX_BROADCAST),
        "craft": _("Pilih kerajinan dari daftar."),
        "region": _("Wilayah tidak dikenal. Tulis nama provinsi atau kabupaten/kota (mis. Jawa Tengah, Kabupaten "
                    "Sleman) atau kodenya (34.04). Bila nama kabupaten dan kota sama, tulis Kabupaten atau Kota."),
        "training": _("Pelatihan ini tidak ada di daftar pelatihan Anda."),
        "audience": _("Pilih minimal satu penerima: kerajinan, wilayah, atau pendaftar pelatihan."),
        "send_at": _("Tulis tanggal dan jam kirim yang belum lewat."),
        "zone": _("Pilih WIB, WITA atau WIT."),
    }


@dataclass
class Draft:
    """The form as posted: its fields as written, what they mean, and what is wrong with them."""

    values: dict[str, str]
    audience: Audience = field(default_factory=Audience)
    send_at: datetime | None = None
    errors: set[str] = field(default_factory=set)  # the fields that are wrong (their messages: field_errors)


FIELDS = ("text", "craft", "region", "training", "when", "send_at", "zone", "request_key")


def _field(form: FormData, name: str) -> str:
    """A field as written; a browser posts a textarea's line breaks as CRLF: one "\\n" each, as in the chat (and
    as the textarea's maxlength counts them)."""
    value = form.get(name)
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""


async def read_draft(session: AsyncSession, form: FormData, now: datetime) -> Draft:
    """Check every field of the form (all errors at once); the audience's training must be the organizer's."""
    draft = Draft({name: _field(form, name) for name in FIELDS})
    values, errors = draft.values, draft.errors
    if not values["text"] or len(values["text"]) > MAX_BROADCAST:
        errors.add("text")
    craft = values["craft"] or None
    if craft and craft not in CRAFTS:
        errors.add("craft")
    region = None
    if values["region"]:
        try:
            region = place_code(values["region"])
        except ValueError:
            errors.add("region")
    training = None
    if values["training"]:
        found = await queries.training(session, values["training"])
        if found is None:
            errors.add("training")
        else:
            training = found.training.code
    if not (craft or values["region"] or values["training"]):
        errors.add("audience")
    draft.audience = Audience(craft=craft, region=region, training_code=training)
    draft.send_at = _send_at(values, now, errors)
    return draft


def _send_at(values: dict[str, str], now: datetime, errors: set[str]) -> datetime | None:
    if values["when"] != "later":
        values["when"] = "now"
        return now
    zone: TimeZone | None = ZONES.get(values["zone"] or WIB.name)
    if zone is None:
        errors.add("zone")
        return None
    try:
        moment = datetime.fromisoformat(values["send_at"]).replace(tzinfo=zone.zone)
    except ValueError:
        errors.add("send_at")
        return None
    if moment < now - LATE_GRACE:
        errors.add("send_at")
        return None
    return max(moment, now)


def _broadcast_id(request: Request) -> int | None:
    raw = str(request.path_params.get("code", ""))
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


def _number(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 9 else None


def audience_label(broadcast: Broadcast | Audience) -> str:
    """Who a broadcast is for, in words (a sent one, or a draft's audience)."""
    parts = [craft_name(broadcast.craft) if broadcast.craft else "",
             region_name(broadcast.region) or "" if broadcast.region else "", broadcast.training_code or ""]
    return " · ".join(part for part in parts if part) or texts()["all_people"]


class Broadcasts:
    """The broadcast pages of the console (their handlers take the signed-in staff member from `Console.page`)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.side = console.side
        self.app = console.app

    def _page(self, request: Request, template: str, staff: Staff, credential: StaffCredential, status: int = 200,
              **context: Any) -> Response:
        return render(request, template, status, staff=staff, csrf=credential.csrf, broadcast_texts=texts,
                      audience_label=audience_label, **context)

    def _not_found(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return render(request, "message.html", 404, staff=staff, csrf=credential.csrf, message_key="not_found")

    async def _form(self, request: Request, staff: Staff, credential: StaffCredential, draft: Draft | None,
                    status: int = 200) -> Response:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            own = await queries.trainings(session, upcoming_after=self.app.clock() - TRAININGS_OFFERED)
        values = draft.values if draft else {"when": "now", "zone": WIB.name}
        return self._page(request, "broadcast_new.html", staff, credential, status, values=values,
                          errors=draft.errors if draft else set(), field_errors=field_errors, crafts=CRAFTS,
                          zones=list(ZONES), trainings=[row.training for row in own])

    async def new(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        return await self._form(request, staff, credential, None)

    async def edit(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """The form again with what the preview carried (to change it before sending)."""
        form = await request.form()
        return await self._form(request, staff, credential, Draft({name: _field(form, name) for name in FIELDS}))

    async def _checked(self, request: Request, staff: Staff) -> tuple[Draft, Preview | None]:
        now = self.app.clock()
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            draft = await read_draft(session, await request.form(), now)
            if draft.errors or draft.send_at is None:
                return draft, None
            return draft, await preview(session, draft.values["text"], draft.audience, draft.send_at,
                                        broadcast_template(self.app.settings))

    async def preview(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """The recipients and the blockers; its send form carries the fields and a fresh request key."""
        draft, found = await self._checked(request, staff)
        if found is None or draft.send_at is None:
            return await self._form(request, staff, credential, draft, 422)
        draft.values["request_key"] = secrets.token_urlsafe(REQUEST_KEY_BYTES)
        zone = ZONES.get(draft.values["zone"]) or WIB
        return self._page(request, "broadcast_preview.html", staff, credential, values=draft.values, found=found,
                          send_at_text=format_when(draft.send_at, zone.zone, zone.name),
                          message=found.message(draft.send_at), audience=draft.audience)

    async def send(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Queue the previewed broadcast once per request key (a second post finds the first broadcast)."""
        now, key = self.app.clock(), ""
        try:
            async with scoped(self.side.scoped_maker, staff.organizer_id) as session, session.begin():
                draft = await read_draft(session, await request.form(), now)
                key = draft.values["request_key"][:64]
                if draft.errors or draft.send_at is None or not key:
                    return await self._form(request, staff, credential, draft, 422)
                existing = await broadcast_log.made_by_request(session, key)
                if existing is not None:
                    return _redirect(f"/console/broadcasts/{existing}")
                found = await preview(session, draft.values["text"], draft.audience, draft.send_at,
                                      broadcast_template(self.app.settings))
                broadcast = await schedule_broadcast(
                    session, draft.values["text"], draft.audience, draft.send_at, now, self.app.settings.policy,
                    organizer_id=staff.organizer_id, request_key=key, recipients=found.recipients)
                await audit.record(session, "broadcast_sent", staff.email, now, organizer_id=staff.organizer_id,
                                   staff_id=staff.id, target=f"broadcast:{broadcast.id}", ip=_address(request),
                                   detail={"recipients": broadcast.recipients, "blocked": found.blocked,
                                           "send_at": draft.send_at.isoformat()})
                broadcast_id = broadcast.id
        except IntegrityError:  # the same form posted twice at once: the other post made it
            again = await self._by_request_key(staff, key)
            if again is None:
                raise
            return _redirect(f"/console/broadcasts/{again}")
        return _redirect(f"/console/broadcasts/{broadcast_id}")

    async def _by_request_key(self, staff: Staff, key: str) -> int | None:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            return await broadcast_log.made_by_request(session, key)

    async def list(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            items = await broadcast_log.recent(session, LIST_SIZE)
            counts = await broadcast_log.state_counts(session, [item.id for item in items])
        return self._page(request, "broadcasts.html", staff, credential, items=items, counts=counts,
                          states=broadcast_log.STATES)

    async def log(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        broadcast_id = _broadcast_id(request)
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session:
            broadcast = await broadcast_log.find(session, broadcast_id) if broadcast_id else None
            if broadcast is None:
                return self._not_found(request, staff, credential)
            entries = await broadcast_log.delivery_log(session, broadcast.id)
        wanted = request.query_params.get("state", "")
        wanted = wanted if wanted in broadcast_log.STATES else ""
        shown = [entry for entry in entries if not wanted or entry.state == wanted]
        return self._page(request, "broadcast_log.html", staff, credential, item=broadcast,
                          counts=broadcast_log.counts(entries), states=broadcast_log.STATES, entries=shown[:LOG_SIZE],
                          total=len(shown), wanted=wanted, resent=_number(request, "resent"),
                          blocked=_number(request, "blocked"))

    async def resend(self, request: Request, staff: Staff, credential: StaffCredential) -> Response:
        """Queue the broadcast again for the recipients whose latest send failed (audited)."""
        broadcast_id = _broadcast_id(request)
        now = self.app.clock()
        async with scoped(self.side.scoped_maker, staff.organizer_id) as session, session.begin():
            broadcast = await broadcast_log.find(session, broadcast_id, lock=True) if broadcast_id else None
            if broadcast is None:
                return self._not_found(request, staff, credential)
            resent = await broadcast_log.resend_failed(session, broadcast, now, self.app.settings.policy,
                                                       broadcast_template(self.app.settings))
            await audit.record(session, "broadcast_resent", staff.email, now, organizer_id=staff.organizer_id,
                               staff_id=staff.id, target=f"broadcast:{broadcast.id}", ip=_address(request),
                               detail={"queued": resent.queued, "blocked": resent.blocked})
        return _redirect(f"/console/broadcasts/{broadcast.id}?resent={resent.queued}&blocked={resent.blocked}")


async def dashboard_card(session: AsyncSession, staff: Staff, now: datetime) -> dict[str, Any]:
    """What the dashboard adds for the broadcasts: the recent failed sends (for those who may see broadcasts)."""
    if not staff.may("broadcasts"):
        return {}
    failed = await broadcast_log.failed_sends(session, now - timedelta(days=FAILED_SENDS_DAYS), FAILED_SENDS_SHOWN)
    return {"failed_sends": failed, "broadcast_texts": texts}


def routes(console: Console) -> list[BaseRoute]:
    pages = Broadcasts(console)
    return [
        Route("/console/broadcasts", console.page("broadcasts", pages.list), methods=["GET"]),
        Route("/console/broadcasts", console.page("send", pages.send, form=True), methods=["POST"]),
        Route("/console/broadcasts/new", console.page("send", pages.new), methods=["GET"]),
        Route("/console/broadcasts/new", console.page("send", pages.edit, form=True), methods=["POST"]),
        Route("/console/broadcasts/preview", console.page("send", pages.preview, form=True), methods=["POST"]),
        Route("/console/broadcasts/{code}", console.page("broadcasts", pages.log), methods=["GET"]),
        Route("/console/broadcasts/{code}/resend", console.page("send", pages.resend, form=True), methods=["POST"]),
    ]
