"""A training in text: its line in a list, its detail, and its answer to a question about it."""

from __future__ import annotations

import re

from bot import countries
from bot.context import HandlerContext
from bot.crafts import craft_name
from bot.i18n import _, format_duration, format_money, format_short_day, format_when
from bot.regions import region_name
from bot.services.trainings import TrainingView
from handlers.training_filters import words_of

# --- formatting ---------------------------------------------------------------------------------

def paragraphs(text: str) -> str:
    """Text with its hard line wraps joined, paragraphs (blank lines) kept."""
    return "\n\n".join(" ".join(block.split()) for block in text.strip().split("\n\n") if block.strip())


def _place(training: TrainingView) -> str:
    if training.mode == "online":
        return _("daring (online)")
    return region_name(training.regency) or region_name(training.province) or training.venue


def _fee(training: TrainingView) -> str:
    return format_money(training.fee) if training.fee else _("gratis")


def _seats(training: TrainingView) -> str:
    if training.seats_left is None:
        return _("kuota tidak dibatasi")
    if training.is_full:
        return _("penuh")
    return _("sisa {n} kursi").format(n=training.seats_left)


def _standing(training: TrainingView, ctx: HandlerContext) -> str:
    """Whether one can still register, in a few words: closed, full (waitlist), or the seats left."""
    if training.status == "cancelled":
        return _("dibatalkan")
    if not training.registration_open(ctx.now):
        return _("pendaftaran ditutup")
    if training.is_full:
        return _("penuh, bisa daftar tunggu")
    return _seats(training)


def list_line(number: int, training: TrainingView, ctx: HandlerContext) -> str:
    when = format_short_day(training.local_start_date())
    lines = [
        f"{number}. {training.title}",
        f"   {when} · {_place(training)} · {_fee(training)} · {_standing(training, ctx)}",
    ]
    if training.registration_deadline and training.registration_open(ctx.now):
        deadline = training.registration_deadline.astimezone(training.zone.zone).date()
        lines.append("   " + _("Daftar paling lambat {day}").format(day=format_short_day(deadline)))
    lines.append("   " + _("Kode: {code}").format(code=training.code))
    return "\n".join(lines)


def detail_text(training: TrainingView, ctx: HandlerContext) -> str:
    zone = training.zone
    lines = [training.title, _("Kode: {code}").format(code=training.code)]
    if training.is_demo:
        lines.append(_("(Data demo untuk mencoba Kriya, bukan jadwal resmi.)"))
    lines += [
        "",
        _("Kerajinan: {craft}").format(craft=craft_name(training.craft)),
        _("Penyelenggara: {organizer}").format(organizer=training.organizer),
        _("Mulai: {when}").format(when=format_when(training.starts_at, zone.zone, zone.name)),
        _("Selesai: {when}").format(when=format_when(training.ends_at, zone.zone, zone.name)),
    ]
    if training.mode == "online":
        lines.append(_("Tempat: daring, {venue}").format(venue=training.venue))
    else:
        area = ", ".join(filter(None, (region_name(training.regency), region_name(training.province))))
        lines.append(_("Tempat: {venue} ({area})").format(venue=training.venue, area=area))
        if training.mode == "hybrid":
            lines.append(_("Bisa diikuti langsung atau daring."))
    lines.append(_("Biaya: {fee}").format(fee=_fee(training)))
    if training.quota is None:
        lines.append(_("Kuota: tidak dibatasi"))
    elif not training.registration_open(ctx.now):
        lines.append(_("Kuota: {quota} orang").format(quota=training.quota))  # seats left mean nothing now
    elif training.is_full:
        lines.append(_("Kuota: {quota} orang, sudah penuh (bisa masuk daftar tunggu)").format(quota=training.quota))
    else:
        lines.append(
            _("Kuota: {quota} orang, sisa {left} kursi").format(quota=training.quota, left=training.seats_left)
        )
    if training.status == "cancelled":
        lines.append(_("Pelatihan ini dibatalkan."))
    elif training.starts_at <= ctx.now:
        lines.append(_("Pelatihan ini sudah dimulai atau sudah lewat."))
    elif not training.registration_open(ctx.now):
        deadline = format_when(training.registration_deadline or training.starts_at, zone.zone, zone.name)
        lines.append(_("Pendaftaran sudah ditutup (batasnya {when}).").format(when=deadline))
    elif training.registration_deadline:
        deadline = format_when(training.registration_deadline, zone.zone, zone.name)
        lines.append(_("Batas pendaftaran: {when}").format(when=deadline))
    lines.append(_("Kontak: {contact}").format(contact=training.contact))
    lines += ["", paragraphs(training.description)]
    if training.requirements:
        lines += ["", _("Persyaratan: {requirements}").format(requirements=paragraphs(training.requirements))]
    return "\n".join(lines)


# --- answers from the training's own data --------------------------------------------------------

def _certificate_note(training: TrainingView) -> str | None:
    text = " ".join(filter(None, (training.description, training.requirements)))
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    found = [s for s in sentences if re.search(r"sertifikat|certificate", s, re.IGNORECASE)]
    return " ".join(found) or None


OTHER_ASPECT = "other"  # a question about a training that its data does not answer: its organizer can


def _aspect_line(aspect: str, t: TrainingView, ctx: HandlerContext) -> str:
    """One training's answer to a question about it."""
    zone = t.zone
    if aspect == "fee":
        if not t.fee:
            return _("{title}: gratis, tanpa biaya.").format(title=t.title)
        return _("Biaya {title}: {fee}. Pembayaran ke penyelenggara; tanyakan caranya ke {contact}.").format(
            title=t.title, fee=_fee(t), contact=t.contact)
    if aspect == OTHER_ASPECT:
        return _("Maaf, itu belum bisa saya jawab dari data {title}. Tanyakan ke penyelenggara, {organizer}: "
                 "{contact}.").format(title=t.title, organizer=t.organizer, contact=t.contact)
    if aspect == "lodging":
        return _("Soal penginapan untuk {title} tidak ada di data pelatihannya. Tanyakan ke penyelenggara, "
                 "{organizer}: {contact}.").format(title=t.title, organizer=t.organizer, contact=t.contact)
    if aspect == "link":
        if t.mode == "offline":
            return _("{title} diadakan tatap muka di {venue}, jadi tidak ada link untuk bergabung.").format(
                title=t.title, venue=t.venue)
        return _("Link untuk bergabung ke {title} dikirim oleh penyelenggara kepada yang terdaftar, biasanya "
                 "menjelang pelatihan. Bila belum menerimanya, tanyakan ke {contact}.").format(
                     title=t.title, contact=t.contact)
    if aspect == "pay":
        if not t.fee:
            return _("{title} gratis, jadi tidak ada yang perlu dibayar.").format(title=t.title)
        return _("Biaya {title} ({fee}) dibayar ke penyelenggara, {organizer}, bukan lewat Kriya. Tanyakan cara "
                 "pembayarannya ke {contact}.").format(title=t.title, fee=_fee(t), organizer=t.organizer,
                                                        contact=t.contact)
    if aspect == "place":
        if t.mode == "online":
            return _("{title} diadakan daring (online): {venue}.").format(title=t.title, venue=t.venue)
        area = ", ".join(filter(None, (region_name(t.regency), region_name(t.province))))
        line = _("Tempat {title}: {venue} ({area}).").format(title=t.title, venue=t.venue, area=area)
        return line + (" " + _("Bisa diikuti langsung atau daring.") if t.mode == "hybrid" else "")
    if aspect == "time":
        line = _("{title}: mulai {start}, selesai {end}.").format(
            title=t.title, start=format_when(t.starts_at, zone.zone, zone.name),
            end=format_when(t.ends_at, zone.zone, zone.name))
        return " ".join((line, *_elsewhere(t, ctx)))
    if aspect == "deadline":
        if t.status == "cancelled":
            return _("{title} dibatalkan.").format(title=t.title)
        if not t.registration_open(ctx.now):
            return _closed_line(t, ctx)
        if t.registration_deadline:
            return _("Pendaftaran {title} dibuka sampai {when}.").format(
                title=t.title, when=format_when(t.registration_deadline, zone.zone, zone.name))
        return _("Pendaftaran {title} dibuka sampai pelatihan dimulai ({when}), selama kursi masih ada.").format(
            title=t.title, when=format_when(t.starts_at, zone.zone, zone.name))
    if aspect == "certificate":
        note = _certificate_note(t)
        if note:
            return _("Tentang sertifikat {title}: {note}").format(title=t.title, note=note)
        return _("Keterangan sertifikat untuk {title} tidak tercantum. Tanyakan ke penyelenggara: {contact}.").format(
            title=t.title, contact=t.contact)
    if aspect == "contact":
        line = _("Kontak penyelenggara {title} ({organizer}): {contact}.").format(
            title=t.title, organizer=t.organizer, contact=t.contact)
        return line + (f" {t.organizer_website}" if t.organizer_website else "")
    if aspect == "waitlist":
        return _waitlist_line(t, ctx)
    if aspect == "reminder":
        return _reminder_line(t, ctx)
    if aspect == "requirements":
        if t.requirements:
            return _("Syarat {title}: {requirements}. Bila ragu apakah Anda memenuhinya (misalnya KTP dari daerah lain), "
                     "tanyakan ke penyelenggara: {contact}.").format(
                title=t.title, requirements=t.requirements.rstrip(". "), contact=t.contact)
        return _("Tidak ada syarat khusus yang tercantum untuk {title}. Tanyakan ke penyelenggara: {contact}.").format(
            title=t.title, contact=t.contact)
    return _seats_line(t, ctx)


def _elsewhere(t: TrainingView, ctx: HandlerContext) -> list[str]:
    """The start in the time of the country the person named ("what time in Malaysia time?")."""
    text = ctx.understanding.text if ctx.understanding else ""
    lines = []
    for country in sorted(countries.countries_in(words_of(text).split())):
        local = t.starts_at.astimezone(countries.zone(country))
        lines.append(_("Di {country}: mulai pukul {time}.").format(country=countries.NAME_OF[country],
                                                                    time=local.strftime("%H.%M")))
    return lines


def _reminder_line(t: TrainingView, ctx: HandlerContext) -> str:
    """When the registered are reminded of a training (the policy's offsets and quiet hours)."""
    policy = ctx.services.policy
    offsets = ", ".join(format_duration(o) for o in sorted(policy.offsets, reverse=True))
    line = _("Yang terdaftar diingatkan lewat chat ini {offsets} sebelum {title} dimulai.").format(
        offsets=offsets, title=t.title)
    if policy.quiet_hours:
        line += " " + _("Pengingat tidak dikirim antara pukul {start}.00 dan {end}.00 waktu setempat.").format(
            start=f"{policy.quiet_hours[0]:02d}", end=f"{policy.quiet_hours[1]:02d}")
    if ctx.person.proactive_opt_out:
        line += " " + _("Pesan otomatis Anda sedang berhenti; ketik MULAI untuk menyalakannya lagi.")
    return line


def waitlist_promise() -> str:
    return _("Bila ada kursi kosong, orang pertama di daftar tunggu ditawari kursinya lewat chat ini dan tinggal "
             "menjawab untuk mengambilnya.")


def _waitlist_line(t: TrainingView, ctx: HandlerContext) -> str:
    """How the waitlist of a training works, from its own seats."""
    if t.status == "cancelled":
        return _("{title} dibatalkan.").format(title=t.title)
    if not t.registration_open(ctx.now):
        return _closed_line(t, ctx)
    if t.quota is None:
        return _("Kuota {title} tidak dibatasi, jadi tidak ada daftar tunggu: Anda bisa langsung daftar.").format(
            title=t.title)
    promise = waitlist_promise()
    if t.is_full:
        return _("Kuota {title} sudah penuh. Anda bisa masuk daftar tunggu dengan mendaftar.").format(
            title=t.title) + " " + promise
    return _("Masih ada {left} kursi di {title}, jadi Anda bisa langsung daftar tanpa daftar tunggu.").format(
        left=t.seats_left, title=t.title) + " " + promise


def _closed_line(t: TrainingView, ctx: HandlerContext) -> str:
    """Why a published training takes no more registrations: it started, or its deadline passed."""
    zone = t.zone
    if ctx.now >= t.starts_at:
        return _("Pendaftaran {title} sudah ditutup karena pelatihannya sudah dimulai ({when}).").format(
            title=t.title, when=format_when(t.starts_at, zone.zone, zone.name))
    deadline = t.registration_deadline or t.starts_at
    return _("Pendaftaran {title} sudah ditutup: batas pendaftarannya {when} sudah lewat. Tanyakan ke penyelenggara "
             "bila masih ada kesempatan: {contact}.").format(
        title=t.title, when=format_when(deadline, zone.zone, zone.name), contact=t.contact)


def _seats_line(t: TrainingView, ctx: HandlerContext) -> str:
    if t.status == "cancelled":
        return _("{title} dibatalkan.").format(title=t.title)
    if not t.registration_open(ctx.now):
        return _closed_line(t, ctx)
    if t.quota is None:
        return _("Kuota {title} tidak dibatasi.").format(title=t.title)
    if t.is_full:
        return _("Kuota {title} ({quota} orang) sudah penuh; Anda masih bisa masuk daftar tunggu.").format(
            title=t.title, quota=t.quota)
    return _("Masih ada {left} kursi dari {quota} untuk {title}.").format(left=t.seats_left, quota=t.quota,
                                                                          title=t.title)
