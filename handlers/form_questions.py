"""Questions about the training asked in the middle of the form, answered from its own data."""

from __future__ import annotations

from bot.i18n import _, format_money, format_when
from bot.nlu import asking
from bot.regions import region_name
from bot.services.trainings import TrainingView
from handlers.training_filters import _has

# --- questions in the middle of the form, answered from the training ---------------------------

PRIVACY = "privacy"
# Asking what becomes of one's data in the middle of the form ("data saya dikasih ke siapa aja?", "knp hrs ksh
# nomor hp?"); a request to delete it is no such question.
_ABOUT_DATA = frozenset({
    "data saya", "datanya", "data sy", "data aku", "dikasih ke siapa", "diberikan ke siapa", "dikirim ke siapa",
    "disimpan", "disimpen", "privasi", "privacy", "my data", "who gets", "who sees", "why do you need", "knp hrs",
    "kenapa harus", "kenapa perlu", "knp perlu", "buat apa nomor", "untuk apa nomor", "utk apa nomor", "aman ga",
    "aman gak", "aman tidak", "is it safe"})
_DELETING = frozenset({"hapus", "hapuskan", "hapusin", "delete", "remove", "erase"})


def _asks_about_data(text: str) -> bool:
    words = " ".join(asking.words(text))
    return _has(words, _ABOUT_DATA) and not set(words.split()) & _DELETING


# Asking who may take part ("kalo bukan anggota kelompok boleh ikut gk?"): the training's requirements answer it.
_MAY_I = frozenset({"boleh ikut", "bisa ikut", "boleh gabung", "bisa gabung", "can i join", "can i attend",
                    "am i eligible", "who can join", "siapa yang boleh", "siapa yg boleh", "siapa aja yg boleh",
                    "harus anggota"})


def training_question(text: str) -> str | None:
    """The topic of a question about the training ("biayanya berapa?" -> "fee") or about one's data, or None."""
    if _asks_about_data(text):
        return PRIVACY
    if _has(" ".join(asking.words(text)), _MAY_I):
        return "requirements"
    return asking.aspect_asked(text)


# Words that open a question ("knp hrs bawa KTP NTB?", "kok harus pakai nama asli?"): at a question that takes
# free text (a name, a place, a business) such a message is no answer.
_ASKING = frozenset({"knp", "kenapa", "napa", "ngapain", "kok", "why", "gimana", "gmn", "bagaimana", "apakah",
                     "apa", "siapa", "berapa", "brp", "kapan", "dimana", "how", "what", "who", "when", "where",
                     "can", "could", "should", "harus", "hrs", "emang", "memang", "masa"})
QUESTION_OPENING = 2  # the first words where a question word makes the message a question
QUESTION_MIN_WORDS = 4  # or fewer words ending with "?"


def is_question(text: str) -> bool:
    """Whether a message asks something rather than answers: a question word among its first words, and a
    question mark or a few words ("sleman?" alone is an unsure answer, not a question)."""
    words = asking.words(text)
    opens = any(w in _ASKING for w in words[:QUESTION_OPENING])
    return opens and (text.strip().endswith("?") or len(words) >= QUESTION_MIN_WORDS)


def privacy_paragraphs() -> tuple[str, str]:
    """Why the form's data is kept and for how long (the consent's own words, also answering questions)."""
    return (_("Untuk apa: mendaftarkan Anda ke pelatihan dan mengirim pengingat. Data pendaftaran hanya "
              "diberikan kepada penyelenggara pelatihan yang Anda pilih."),
            _("Berapa lama: sampai Anda menghapusnya, paling lama 2 tahun setelah pesan terakhir Anda. Ketik "
              "\"profil\" untuk melihat atau mengubahnya, dan \"hapus data saya\" untuk menghapusnya kapan saja "
              "(sesuai UU Pelindungan Data Pribadi No. 27/2022)."))


def answer_about(topic: str, training: TrainingView) -> str:
    """One or two lines answering a question about `training` from its own data."""
    zone = training.zone
    title = training.title
    if topic == "other":
        return _("Maaf, itu belum bisa saya jawab. Tanyakan ke penyelenggara {title}: {contact}.").format(
            title=title, contact=training.contact)
    if topic == PRIVACY:
        return "\n\n".join((_("Yang disimpan: nama lengkap, nomor HP, jenis kerajinan, kabupaten/kota, dan nama usaha "
                               "(boleh dikosongkan)."), *privacy_paragraphs()))
    if topic == "fee":
        if not training.fee:
            return _("{title} gratis, tidak dipungut biaya.").format(title=title)
        return _("Biaya {title}: {fee}. Cara pembayaran diberitahukan oleh penyelenggara: {contact}.").format(
            title=title, fee=format_money(training.fee), contact=training.contact)
    if topic == "place":
        if training.mode == "online":
            return _("{title} diadakan daring (online): {venue}.").format(title=title, venue=training.venue)
        area = ", ".join(filter(None, (region_name(training.regency), region_name(training.province))))
        return _("Tempat {title}: {venue} ({area}).").format(title=title, venue=training.venue, area=area)
    if topic == "time":
        return _("{title} mulai {start} dan selesai {end}.").format(
            title=title, start=format_when(training.starts_at, zone.zone, zone.name),
            end=format_when(training.ends_at, zone.zone, zone.name))
    if topic == "deadline":
        closes = training.registration_deadline or training.starts_at
        return _("Pendaftaran {title} dibuka sampai {when}.").format(
            title=title, when=format_when(closes, zone.zone, zone.name))
    if topic == "seats":
        if training.seats_left is None:
            return _("Kuota {title} tidak dibatasi.").format(title=title)
        if training.is_full:
            return _("Kuota {title} sudah penuh; bila Anda mendaftar, Anda masuk daftar tunggu.").format(title=title)
        return _("{title}: sisa {left} dari {quota} kursi.").format(title=title, left=training.seats_left,
                                                                   quota=training.quota)
    if topic == "requirements":
        if training.requirements:
            return _("Persyaratan {title}: {requirements}").format(
                title=title, requirements=" ".join(training.requirements.split()))
        return _("{title} tidak mencantumkan persyaratan khusus.").format(title=title)
    if topic == "certificate":
        return _("Soal sertifikat {title}, silakan tanyakan ke penyelenggara: {contact}.").format(
            title=title, contact=training.contact)
    return _("Kontak penyelenggara {title}: {contact}.").format(title=title, contact=training.contact)
