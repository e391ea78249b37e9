"""Start, main menu, help, thanks, a person to talk to, and the polite fallback."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from bot import payloads
from bot.context import ConversationState, HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.router import options_of
from handlers.subscriptions import start_messages
from handlers.training_detail import show_training

logger = logging.getLogger(__name__)


def menu_buttons() -> tuple[Button, ...]:
    return (
        Button(_("Pelatihan"), payloads.make("tl")),
        Button(_("Sertifikasi"), payloads.make("cert")),
        Button(_("Tips pasar"), payloads.make("tip")),
        Button(_("Bahasa / Language"), payloads.make("lang")),
    )


def menu_reply(text: str) -> Reply:
    return Reply(text, menu_buttons())


WELCOMED = "welcomed_at"  # in the conversation memory: when the long welcome was shown
WELCOME_AGAIN_AFTER = timedelta(hours=12)  # a greeting later than this gets the whole welcome again


def _welcomed_lately(ctx: HandlerContext) -> bool:
    shown = ctx.state.memory.get(WELCOMED)
    if not isinstance(shown, str):
        return False
    try:
        return ctx.now - datetime.fromisoformat(shown) < WELCOME_AGAIN_AFTER
    except ValueError:
        return False


def _greeting(ctx: HandlerContext) -> str:
    name = ctx.person.full_name or ctx.person.display_name
    if name:
        return _("Halo, {name}! Saya Kriya, asisten untuk para perajin.").format(name=name.split()[0])
    return _("Halo! Saya Kriya, asisten untuk para perajin.")


_START_AGAIN = frozenset({"start", "start again", "restart", "resume"})


async def show_start(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Welcome the person and show the main menu (a deep link opens its training)."""
    if ctx.args:
        return await show_training(msg, ctx)
    if ctx.person.proactive_opt_out and (msg.text or "").strip(" .!").casefold() in _START_AGAIN:
        return await start_messages(msg, ctx)  # "start" typed after STOP is MULAI in English
    ctx.state.clear()
    if _welcomed_lately(ctx):  # the welcome is on the screen already: greet back briefly
        name = ctx.person.full_name or ctx.person.display_name
        short = _("Halo lagi, {name}! Mau lihat apa?").format(name=name.split()[0]) if name else _(
            "Halo lagi! Mau lihat apa?")
        return [menu_reply(short)]
    ctx.state.memory[WELCOMED] = ctx.now.isoformat()
    text = "\n\n".join(
        (
            _greeting(ctx),
            _(
                "Saya bisa membantu mencari pelatihan kerajinan dan batik, menjelaskan langkah sertifikasi "
                "(NIB, BNSP, merek, Batikmark, dan lainnya), serta memberi tips pemasaran."
            ),
            _("Pilih menu di bawah, atau tulis saja pertanyaan Anda, misalnya: pelatihan batik di Jogja bulan depan."),
        )
    )
    return [menu_reply(text)]


async def show_menu(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Show the main menu and leave any form."""
    ctx.state.clear()
    return [menu_reply(_("Menu utama. Mau lihat apa?"))]


async def show_help(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Explain everything Kriya can do and how to ask for it."""
    lines = [
        _("Cara memakai Kriya:"),
        _("• Pelatihan: tulis misalnya \"pelatihan tenun di NTT\" atau \"pelatihan bulan depan\"."),
        _("• Detail: ketik nomor dari daftar atau kode pelatihan di poster, misalnya BTK-YK-01."),
        _("• Mendaftar: ketik \"daftar\" setelah melihat detail, atau \"daftar BTK-YK-01\"."),
        _("• Pendaftaran Anda: tulis \"pelatihan saya\"; dari sana Anda juga bisa membatalkan."),
        _("• Sertifikasi: tulis misalnya \"cara sertifikasi BNSP\" atau \"daftar merek\"."),
        _("• Tips pasar: tulis misalnya \"tips kemasan\" atau \"cara hitung harga\"."),
        _("• Kabar pelatihan baru: \"langganan batik di Jogja\", lihat dengan \"langganan saya\", "
          "hapus dengan \"berhenti langganan batik\"."),
        _("• Pesan otomatis: ketik STOP untuk menghentikan semuanya, MULAI untuk menyalakannya lagi."),
        _("• Profil: tulis \"profil\" untuk melihat atau mengubah data Anda; \"hapus data saya\" "
          "untuk menghapus semuanya."),
        _("• Bahasa: tulis \"English\" atau \"bahasa Indonesia\"."),
        _("• Bicara dengan petugas: tulis \"hubungi petugas\"."),
        _("• Menu: tulis \"menu\" kapan saja."),
    ]
    buttons = (
        *menu_buttons(),
        Button(_("Pelatihan saya"), payloads.make("my")),
        Button(_("Langganan saya"), payloads.make("subs")),
        Button(_("Hubungi petugas"), payloads.make("human")),
    )
    replies = [Reply("\n".join(lines), buttons)]
    if ctx.state.name:
        replies.insert(0, Reply(_("Isian Anda masih tersimpan. Setelah ini, lanjutkan saja menjawab pertanyaan terakhir.")))
    return replies


async def show_thanks(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Answer a thank-you (words, or 🙏 / 👍 when no question is open)."""
    return [menu_reply(_("Sama-sama! Semoga usaha Anda makin maju. Ada lagi yang bisa saya bantu?"))]


TRAINING_IN_VIEW = "training"  # in the memory (handlers/trainings.py): the code of the last training shown
MAX_ORGANIZERS = 3  # organizers near the person listed when no training is in view


async def _contact_lines(ctx: HandlerContext) -> tuple[list[str], str | None]:
    """Whom to contact: the organizer of the training in view first, then the general contacts; and the code of
    the training in view (None when there is none)."""
    lines = []
    code = ctx.state.memory.get(TRAINING_IN_VIEW)
    training = await ctx.services.trainings.by_code(code) if isinstance(code, str) and code else None
    if training is not None:
        lines.append(_("• Pelatihan {title} ({code}), penyelenggara {organizer}: {contact}").format(
            title=training.title, code=training.code, organizer=training.organizer, contact=training.contact))
    elif ctx.person.province:
        from bot.services.trainings import TrainingFilter

        seen: dict[str, str] = {}
        for item in await ctx.services.trainings.search(TrainingFilter(province=ctx.person.province)):
            seen.setdefault(item.organizer, item.contact)
        for organizer, contact in list(seen.items())[:MAX_ORGANIZERS]:
            lines.append(_("• {organizer}: {contact}").format(organizer=organizer, contact=contact))
    # BBSPJIKB's address and telephone: /work/shared/domain-facts.md, section 0 (sourced).
    lines.append(_("• BBSPJIKB (Balai Besar Kerajinan dan Batik), Jl. Kusumanegara No. 7, Yogyakarta: "
                   "telepon 0274-546111, bbkb.kemenperin.go.id."))
    lines.append(_("• Program daerah: Dinas Perindustrian dan Perdagangan (Disperindag) kabupaten/kota Anda."))
    if training is None:
        lines.append(_("Kontak penyelenggara setiap pelatihan ada di detail pelatihannya."))
    return lines, training.code if training is not None else None


async def show_human(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Tell the person whom to contact: the organizer of the training in view, else the general contacts."""
    lines, code = await _contact_lines(ctx)
    text = "\n".join((_("Kriya adalah asisten otomatis. Untuk bicara dengan petugas:"), *lines))
    first = (Button(_("Detail pelatihan"), payloads.make("td", code)) if code
             else Button(_("Pelatihan"), payloads.make("tl")))
    return [Reply(text, (first, Button(_("Bantuan"), payloads.make("help")), Button(_("Menu"), payloads.make("menu"))))]


async def show_media(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Acknowledge a photo, voice note, sticker or file politely."""
    return [menu_reply(_("Terima kasih! Maaf, saya belum bisa membaca gambar, suara, atau berkas. Silakan tulis pesan Anda."))]


def _guesses(ctx: HandlerContext) -> tuple[list[Button], str]:
    """Options built from what was understood even when the intent was not (a craft, a place, a month, a topic),
    and the words that name it."""
    from bot import content
    from bot.crafts import craft_name
    from bot.i18n import format_month
    from bot.regions import region_name

    u = ctx.understanding
    if u is None:
        return [], ""
    buttons, named = [], []
    if u.craft or u.province or u.date_from:
        what = " · ".join(filter(None, (craft_name(u.craft) if u.craft else None,
                                        region_name(u.regency or u.province))))
        filters = {"c": u.craft, "p": u.province, "r": u.regency,
                   "f": u.date_from.strftime("%Y%m%d") if u.date_from else None,
                   "t": u.date_to.strftime("%Y%m%d") if u.date_to else None}
        title = _("Pelatihan {what}").format(what=what) if what else _("Pelatihan")
        buttons.append(Button(title, payloads.make("tl", payloads.encode_filters(filters))))
        named += [what] if what else []
        if u.date_from and u.date_to and (u.date_from.year, u.date_from.month) == (u.date_to.year, u.date_to.month):
            named.append(format_month(u.date_from))
    if u.topic in content.guides():
        buttons.append(Button(content.guides()[u.topic]["title"], payloads.make("cert", u.topic)))
        named.append(content.guides()[u.topic]["title"])
    if u.topic in content.tips():
        buttons.append(Button(content.tips()[u.topic]["title"], payloads.make("tip", u.topic)))
        named.append(content.tips()[u.topic]["title"])
    return buttons, ", ".join(named)


MISSES = "misunderstood"  # in the memory: {"count": misunderstandings in a row, "shown": the options then shown}
HUMAN_AFTER = 2  # misunderstandings in a row before the contacts of a person are offered
_VOWELS = set("aeiouy")
_CONSONANT_RUN = re.compile(r"[^aeiouy\d\s]{5,}")


def misunderstandings(state: ConversationState) -> int:
    """How many messages in a row were not understood (0 once anything else was answered)."""
    missed = state.memory.get(MISSES)
    if not isinstance(missed, dict) or missed.get("shown") != state.memory.get("options"):
        return 0  # the last reply was not the fallback's: something was understood since
    count = missed.get("count")
    return count if isinstance(count, int) else 0


def _words(text: str) -> list[str]:
    from bot.nlu import normalize

    return normalize(text).split()


def _is_rude(words: list[str]) -> bool:
    from bot.nlu.data import load

    rude = load("lexicon").get("rude") or []
    joined = f" {' '.join(words)} "
    return any(f" {phrase} " in joined for phrase in (" ".join(_words(str(r))) for r in rude) if phrase)


def _is_gibberish(text: str, words: list[str]) -> bool:
    """No word at all ('???', '...'), or only letters nobody could pronounce ('asdfgh', 'zzzz qqqq')."""
    letters = [w for w in words if w.isalpha()]
    if not letters:
        return True
    return all(not (set(w) & _VOWELS) or _CONSONANT_RUN.search(w) or len(set(w)) <= 2 for w in letters)


async def show_fallback(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Say that the message was not understood in a way that fits it (off-topic, rude, gibberish, partly understood),
    offer what it may have meant, and after two misunderstandings in a row the contacts of a person."""
    count = misunderstandings(ctx.state) + 1
    text = (msg.text or "").strip()
    words = _words(text)
    guesses, named = _guesses(ctx)
    ways_out = (Button(_("Bantuan"), payloads.make("help")), Button(_("Hubungi petugas"), payloads.make("human")))
    if _is_rude(words):
        lines = [_("Maaf kalau jawaban saya belum membantu. Saya akan berusaha sebaik mungkin. Saya bisa membantu "
                   "soal pelatihan, sertifikasi, dan tips pasar; atau Anda bisa bicara dengan petugas.")]
    elif guesses:
        lines = [(_("Maaf, saya kurang yakin maksud Anda tentang {what}. Apakah salah satu ini?").format(what=named)
                  if named else _("Maaf, saya kurang yakin maksud Anda. Apakah salah satu ini?"))]
    elif _is_gibberish(text, words):
        lines = [_("Maaf, saya belum paham pesan itu. Coba tulis dengan kata-kata, misalnya: \"pelatihan batik di "
                   "Jogja bulan depan\" atau \"cara daftar merek\".")]
    else:
        lines = [_("Maaf, itu di luar yang bisa saya bantu, jadi saya belum paham maksud Anda. Saya bisa membantu "
                   "soal pelatihan, sertifikasi, dan tips pasar. Pilih salah satu di bawah, atau tulis \"bantuan\".")]
    if count >= HUMAN_AFTER:
        contacts, _code = await _contact_lines(ctx)
        lines += ["", _("Kalau lebih mudah, Anda bisa bicara langsung dengan petugas:"), *contacts]
    buttons = (*guesses, Button(_("Menu"), payloads.make("menu"))) if guesses else menu_buttons()
    reply = Reply("\n".join(lines), (*buttons, *ways_out))
    ctx.state.memory[MISSES] = {"count": count, "shown": options_of(reply)}
    return [reply]
