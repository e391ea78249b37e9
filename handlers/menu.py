"""Start, main menu, help, thanks, a person to talk to, and the polite fallback."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _

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


async def show_start(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Welcome the person and show the main menu (a deep link opens its training)."""
    if ctx.args:
        from handlers.trainings import show_training

        return await show_training(msg, ctx)
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
    """Explain what Kriya can do and how to ask."""
    lines = [
        _("Cara memakai Kriya:"),
        _("• Pelatihan: tulis misalnya \"pelatihan tenun di NTT\" atau \"pelatihan bulan depan\"."),
        _("• Detail: ketik nomor dari daftar atau kode pelatihan di poster, misalnya BTK-YK-01."),
        _("• Sertifikasi: tulis misalnya \"cara sertifikasi BNSP\" atau \"daftar merek\"."),
        _("• Tips pasar: tulis misalnya \"tips kemasan\" atau \"cara hitung harga\"."),
        _("• Bahasa: tulis \"English\" atau \"bahasa Indonesia\"."),
        _("• Menu: tulis \"menu\" kapan saja."),
    ]
    replies = [menu_reply("\n".join(lines))]
    if ctx.state.name:
        replies.insert(0, Reply(_("Isian Anda masih tersimpan. Setelah ini, lanjutkan saja menjawab pertanyaan terakhir.")))
    return replies


async def show_thanks(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Answer a thank-you."""
    return [menu_reply(_("Sama-sama! Semoga usaha Anda makin maju. Ada lagi yang bisa saya bantu?"))]


async def show_human(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Tell the person whom to contact."""
    text = "\n".join(
        (
            _("Kriya adalah asisten otomatis. Untuk bicara dengan petugas:"),
            _("• Tentang sebuah pelatihan: hubungi kontak penyelenggara di detail pelatihannya."),
            _("• Pelatihan dan layanan BBSPJIKB (Balai Besar Kerajinan dan Batik), Yogyakarta: 0274-546111."),
            _("• Program daerah: Dinas Perindustrian dan Perdagangan (Disperindag) kabupaten/kota Anda."),
        )
    )
    return [menu_reply(text)]


async def show_media(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Acknowledge a photo, voice note, sticker or file politely."""
    return [menu_reply(_("Terima kasih! Maaf, saya belum bisa membaca gambar, suara, atau berkas. Silakan tulis pesan Anda."))]


def _guesses(ctx: HandlerContext) -> list[Button]:
    """Options built from what was understood even when the intent was not (a craft, a place, a topic)."""
    from bot import content
    from bot.crafts import craft_name
    from bot.regions import region_name

    u = ctx.understanding
    if u is None:
        return []
    buttons = []
    if u.craft or u.province or u.date_from:
        what = " · ".join(filter(None, (craft_name(u.craft) if u.craft else None,
                                        region_name(u.regency or u.province))))
        filters = {"c": u.craft, "p": u.province, "r": u.regency,
                   "f": u.date_from.strftime("%Y%m%d") if u.date_from else None,
                   "t": u.date_to.strftime("%Y%m%d") if u.date_to else None}
        title = _("Pelatihan {what}").format(what=what) if what else _("Pelatihan")
        buttons.append(Button(title, payloads.make("tl", payloads.encode_filters(filters))))
    if u.topic in content.guides():
        buttons.append(Button(content.guides()[u.topic]["title"], payloads.make("cert", u.topic)))
    if u.topic in content.tips():
        buttons.append(Button(content.tips()[u.topic]["title"], payloads.make("tip", u.topic)))
    return buttons


async def show_fallback(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Say politely that the message was not understood, and offer what it may have meant, or the menu."""
    guesses = _guesses(ctx)
    if guesses:
        return [Reply(_("Maaf, saya kurang yakin maksud Anda. Apakah salah satu ini?"),
                      (*guesses, Button(_("Menu"), payloads.make("menu"))))]
    return [
        menu_reply(
            _(
                "Maaf, saya belum paham maksud Anda. Saya bisa membantu soal pelatihan, sertifikasi, "
                "dan tips pasar. Pilih salah satu di bawah, atau tulis \"bantuan\"."
            )
        )
    ]
