"""The name and phone fields of the registration form: questions, readers, what looks like an answer."""

from __future__ import annotations

import re
from dataclasses import replace

from lokal import parse_phone

from bot.context import HandlerContext
from bot.core import Button, IncomingMessage
from bot.countries import COUNTRY_OF, countries_in
from bot.i18n import _
from bot.nlu.normalize import normalize
from bot.router import chose_button_without_payload
from handlers.fields_crafts import crafts_in
from handlers.form_questions import training_question
from handlers.form_reading import (
    Reading,
    after_correction,
    cancel_button,
    foreign,
    international,
    other_question,
    words_of,
)
from handlers.training_filters import _has

# --- name ---------------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .,'-]+[^\W\d_]+)*\.?$")
_NAME_FRAME = re.compile(
    r"^\s*(?:(?:sa|sa\s+pu|beta\s+pung|ana\s+pu)\s+nama"  # eastern Indonesia: "sa pu nama", "beta pung nama"
    # Javanese ("asmanipun kulo", "nami kulo", "jenengku"), Sundanese ("nami abdi", "wasta abdi"), Balinese ("nama tiang")
    r"|(?:asmanipun|asma|asmane|nami|naminipun|jeneng|jenenge|wasta|wastana|adan|wastan)\s+(?:kulo|kula|aku|abdi|tiang|titiang|sy|saya)"
    r"|jenengku|jenengkuh|nama\s+(?:tiang|titiang|kulo|kula|abdi)"
    r"|(?:nama|nm|name)\s*(?:lengkap|lengkapnya|full)?\s*(?:saya|sy|aku|ku|gue|gw|my|sa|beta)?\s*(?:adalah|ialah|yaitu|is)?"
    r"|namaku|namanya|my\s+(?:full\s+)?name\s+is|my\s+name'?s|i\s+am|i'm|im|it'?s|saya|sy|aku|gue|gw"
    r"|perkenalkan(?:\s+nama\s+saya)?|kenalin(?:\s+nama\s+saya)?)\s*[:=-]?\s+(?=\S)",
    re.IGNORECASE)
_COURTESY_END = re.compile(r"[\s,]+(?:kak|ka|kakak|min|mas|mbak|bu|pak|ya|yaa|nih|dong|ok|thanks)\.?$", re.I)
# A remark on the spelling after the name ("Siti Nurhalizah pake h", "Nurul, double l", "Sri with one r").
_SPELLING_END = re.compile(r"[\s,(]+(?:(?:pake|pakai|pk|dengan|dgn|with|pakek)\s+(?:huruf\s+|an?\s+|one\s+|satu\s+)?"
                           r"[^\W\d_]{1,2}|(?:double|dobel|dobel\s+huruf)\s+[^\W\d_])(?:\s+(?:nya|di\s+\w+))?\)?$", re.I)
# Words no name is made of: "saya mau tanya" is not a name.
_NOT_NAME = frozenset("""mau ingin pengen pingin tanya bertanya bisa tidak sudah belum di dari ke yang daftar ikut lagi
apa berapa kapan dimana mana gimana bagaimana kenapa pelatihan training biaya lokasi batal menu bantuan help tolong
want to the register how what where when why is ok oke iya halo hai hi hello terima kasih makasih thanks selesai
gratis bayar jam tempat kerajinan nomor hp usaha profil cancel stop lanjut setuju matur nuwun nuhun hatur suksma
tengkyu makasi mksh trims thx tq sakalangkong kurre""".split())


def _strip_name(text: str) -> tuple[str, bool]:
    """The name without its framing ("nama saya Sri" -> "Sri"), and whether there was a frame."""
    text = " ".join(text.split()).strip(" .!")
    framed = _NAME_FRAME.sub("", text, count=1)
    framed = _COURTESY_END.sub("", framed).strip(" .!,")
    framed = _SPELLING_END.sub("", framed).strip(" .!,")
    return framed, framed != text


def _name_value(text: str) -> str | None:
    if len(text) < 3 or len(text) > 80 or not _NAME_RE.match(text) or sum(ch.isalpha() for ch in text) < 3:
        return None
    if any(word in _NOT_NAME for word in words_of(text)):
        return None
    crafts, rest = crafts_in(text)
    if crafts and not rest:
        return None  # "tenun ikat" typed at the name question is a craft, not a name
    return text.title() if text.islower() or text.isupper() else text


def ask_name(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    if foreign(ctx):
        return _("Siapa nama lengkap Anda?"), (cancel_button(),)
    return _("Siapa nama lengkap Anda (sesuai KTP)?"), (cancel_button(),)


# Where the number starts in "nama tiang I Ketut Arsana nomor hp nya 0813…": its own word before it, or the digits.
_PHONE_CUE = re.compile(r"(?i)[\s,;.]+(?:(?:nomor|nomer|no|nmr|hp|wa|whatsapp|telp|telepon|tlp|phone|number)\b[\s.:]*)+"
                        r"(?:nya\b|saya\b|sy\b|ku\b|my\b|is\b|[\s:=-])*(?=[+\d(])")


def _name_and_more(text: str, ctx: HandlerContext) -> tuple[str, dict[str, object]]:
    """The name's part of an answer that goes on to give the number and the craft in one message ("nama tiang I
    Ketut Arsana nomor hp nya 081338001122 sy pengukir kayu di gianyar"), and the other answers read from it."""
    number = number_in(text)
    if number is None:
        return text, {}
    cue = _PHONE_CUE.search(text)
    at = cue.start() if cue else text.find(number[:4])
    if at <= 0:
        return text, {}
    more: dict[str, object] = {}
    phone = _phone_value(number, ctx)
    if phone.value is not None and not phone.problem:
        more["phone"] = phone.value
    crafts = crafts_in(text[at:].replace(number, " "))[0]
    if crafts:
        more["crafts"] = crafts
    return text[:at], more


# Words of a remark said around the name ("i already told you. Marco Dela Cruz", "sudah tadi kak. Sri Rahayu").
_REMARK = _NOT_NAME | frozenset("""told already said sudah udah udh sdh tadi barusan kan you i me my your again lagi
sorry maaf kok""".split())
_SENTENCE_END = re.compile(r"[.!?;]+\s+")


def _name_sentence(text: str) -> str:
    """The one sentence of an answer that is the name, when the others are remarks of two words or more."""
    parts = [p.strip() for p in _SENTENCE_END.split(text) if p.strip()]
    if len(parts) < 2:
        return text
    names = [p for p in parts if _name_value(_strip_name(p)[0]) and not set(words_of(p)) & _REMARK]
    remarks = [p for p in parts if p not in names]
    if len(names) == 1 and all(len(words_of(r)) >= 2 and set(words_of(r)) & _REMARK for r in remarks):
        return names[0]
    return text


def read_name(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    msg = replace(msg, text=_name_sentence(msg.text or ""))
    said, more = _name_and_more(msg.text or "", ctx)
    name = _name_value(_strip_name(said)[0])
    if name is not None and more:
        return Reading(name, data=more)
    name = _name_value(_strip_name(msg.text or "")[0])
    if name is None:
        return Reading(problem=_("Maaf, nama itu belum bisa saya pakai. Tulis nama lengkap dengan huruf saja, "
                                 "3 sampai 80 karakter."))
    return Reading(name)


def looks_like_name(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    msg = replace(msg, text=_name_sentence(msg.text or ""))
    said, more = _name_and_more(msg.text or "", ctx)
    if more and _name_value(_strip_name(said)[0]) is not None:
        return True  # the name, then the number (and the craft) in one answer
    name, framed = _strip_name(msg.text or "")
    if _name_value(name) is None:
        return False
    if framed:
        return True  # "nama saya Sri Rahayu", "saya Sri": the NLU reads these as the profile or "my trainings"
    return not other_question(ctx) and training_question(msg.text or "") is None


# --- phone --------------------------------------------------------------------------------------

_NUMBER = re.compile(r"(?:\+|00)?\d[\d\s().-]{5,}\d")
_PHONE_WORDS = frozenset("""nomor nomer no nmr number hp wa whatsapp telp telepon tlp telpon phone mobile saya sy aku
ku my is ini adalah yaitu kak ka min bu pak mas mbak ya call me at the of atau or dan and""".split())


# "This number" said instead of the number ("nomor ini aja kak", "pake nomor yg ini", "same number"): the chat
# does not show Kriya the person's number unless they share it.
_THIS_NUMBER = frozenset(normalize(phrase) for phrase in {"nomor ini", "nomer ini", "no ini", "nmr ini", "nomor yg ini", "nomor yang ini",
                          "nomer yg ini", "nomor yg sama", "nomor yang sama", "nomor ini saja", "nomor wa ini",
                          "nomor hp ini", "no wa ini", "no hp ini", "this number", "same number", "this one",
                          "the same number", "nomor telegram ini", "yg ini aja", "yang ini aja", "ini aja",
                          "pakai ini", "pake ini", "nomor ini juga", "nomor sing iki", "nomor iki"})


def says_this_number(text: str) -> bool:
    return not re.search(r"\d", text) and _has(" ".join(words_of(text)), _THIS_NUMBER)


def number_in(text: str) -> str | None:
    found = _NUMBER.search(text or "")
    return found.group(0) if found else None


def _phone_value(raw: str, ctx: HandlerContext) -> Reading:
    digits = re.sub(r"\D", "", raw)
    abroad = raw.strip().startswith(("+", "00")) and not digits.lstrip("0").startswith("62")
    if abroad:
        digits = digits[2:] if raw.strip().startswith("00") else digits
        if international(ctx) and 8 <= len(digits) <= 15 and not digits.startswith("0"):
            return Reading("+" + digits)  # E.164: a country code and the number, 15 digits at most
        if not international(ctx):
            return Reading(problem=_only_indonesian(ctx))
    parsed = parse_phone(digits if digits.startswith(("0", "62")) else "+" + digits)
    if parsed.valid and parsed.e164:
        return Reading(parsed.e164)
    if international(ctx):
        return Reading(problem=_("Nomor \"{phone}\" sepertinya belum benar. Tulis nomor dengan kode negara, "
                                 "misalnya +65 9123 4567, atau nomor Indonesia 0812 3456 7890.").format(
            phone=raw[:30]))
    return Reading(problem=_("Nomor \"{phone}\" sepertinya belum benar. Tulis nomor HP Indonesia, misalnya "
                             "0812 3456 7890.").format(phone=raw[:30]))


NO_NUMBER_WORDS = 2  # a longer answer without any digit is a remark, not a mistyped number


def _or_ask_the_organizer(ctx: HandlerContext, text: str, other_way: str) -> str:
    """`text`, then `other_way` (with {organizer} and {contact}) when the training has a contact."""
    view = ctx.state.data.get("training_view") or {}
    if view.get("contact"):
        text += " " + other_way.format(organizer=view.get("organizer") or view.get("title", ""),
                                       contact=view["contact"])
    return text


def _no_number(ctx: HandlerContext) -> str:
    """An answer with no number in it: registering needs one; the organizer says how else."""
    return _or_ask_the_organizer(
        ctx, _("Untuk mendaftar kami perlu nomor HP atau WhatsApp Anda, misalnya 0812 3456 7890."),
        _("Bila tidak punya, tanyakan cara lain untuk mendaftar ke penyelenggara, {organizer}: {contact}."))


def _only_indonesian(ctx: HandlerContext) -> str:
    """A foreign number refused: this training takes Indonesian numbers only; its organizer says how else."""
    return _or_ask_the_organizer(
        ctx, _("Pelatihan ini hanya menerima nomor HP Indonesia. Tulis nomor Anda, misalnya 0812 3456 7890."),
        _("Tanpa nomor Indonesia, tanyakan cara lain untuk mendaftar ke penyelenggara, {organizer}: {contact}."))


_ABROAD = frozenset("""malaysia malaysian singapura singapore singaporean brunei bruneian thailand thai filipina
philippines philippine filipino vietnam vietnamese myanmar kamboja cambodia cambodian laos timor foreign abroad
asing overseas luar international internasional""".split())
_INDONESIAN = frozenset({"indonesia", "indonesian", "indo"})
_NEGATION = frozenset({"tidak", "belum", "bukan", "no", "not", "dont", "don't", "without", "tanpa", "only", "hanya",
                       "cuma", "cuman"})





def _local_foreign_number(number: str, text: str) -> str | None:
    """A number written the local way of the country named beside it, in E.164 (phonenumbers' own rules)."""
    import phonenumbers  # (only a foreign participant's answer needs it)

    countries = countries_in(words_of(text))
    if len(countries) != 1 or number.strip().startswith(("+", "00")):
        return None
    try:
        parsed = phonenumbers.parse(number, countries.pop())
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _says_foreign_number(text: str) -> bool:
    """'I don't have an Indonesian number, only Malaysian', 'nomor saya nomor malaysia': no number, a foreign one."""
    words = set(words_of(text))
    return bool(words & _ABROAD) or bool(words & _INDONESIAN and words & _NEGATION)


def acceptable_phone(phone: str, ctx: HandlerContext) -> str | None:
    """The number the channel knows (WhatsApp), when the training accepts it."""
    return _phone_value(phone, ctx).value


def ask_phone(ctx: HandlerContext) -> tuple[str, tuple[Button, ...]]:
    if international(ctx):
        text = _("Berapa nomor HP atau WhatsApp Anda, dengan kode negara? Contoh: +65 9123 4567 atau 0812 3456 7890")
    else:
        text = _("Berapa nomor HP atau WhatsApp Anda? Contoh: 0812 3456 7890")
    return text, (Button(_("Kirim nomor saya"), "rf:contact", kind="contact"), cancel_button())


def read_phone(msg: IncomingMessage, ctx: HandlerContext) -> Reading:
    if msg.contact:
        if msg.meta.get("foreign_contact"):
            return Reading(problem=_("Itu kontak orang lain. Mohon kirim nomor Anda sendiri."))
        return _phone_value(msg.contact.phone, ctx)
    text = msg.text or ""
    if chose_button_without_payload(text, ctx.state.memory.get("options") or []):
        # "kirim nomor saya" or its number typed where the chat cannot share a contact (the console)
        return Reading(problem=_("Mohon ketik nomor Anda di sini, misalnya 0812 3456 7890."))
    if says_this_number(text):
        return Reading(problem=_("Kami tidak bisa melihat nomor Anda dari chat ini. Ketuk tombol \"Kirim nomor "
                                 "saya\" bila ada, atau ketik nomornya, misalnya 0812 3456 7890."))
    number = number_in(after_correction(text)) or number_in(text)  # "0857…78 kak, eh salah 0857…79": the second
    if number is None and not re.search(r"\d", text) and len(words_of(text)) > NO_NUMBER_WORDS:
        return Reading(problem=_no_number(ctx))  # "saya gak punya hp", "sorry i only have telegram"
    if number is not None and international(ctx) and (local := _local_foreign_number(number, text)):
        return Reading(local)  # "my number is 012 345 6789 (malaysia)"
    if number is None and _says_foreign_number(text):
        if international(ctx):
            return Reading(problem=_("Nomor luar negeri bisa dipakai untuk pelatihan ini. Tulis nomor dengan kode "
                                     "negara, misalnya +60 12 345 6789."))
        return Reading(problem=_only_indonesian(ctx))
    return _phone_value(number or text.strip(), ctx)


def looks_like_phone(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    number = number_in(msg.text or "")
    if msg.contact:
        return True
    if not number:
        text = msg.text or ""
        return (says_this_number(text) or _says_foreign_number(text)) and training_question(text) is None
    rest = (msg.text or "").replace(number, " ")
    return all(word in _PHONE_WORDS or word in COUNTRY_OF for word in words_of(rest))
