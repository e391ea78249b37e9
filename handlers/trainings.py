"""Follow-ups to what was just shown (router context): codes, questions, paging, refined lists."""

from __future__ import annotations

from bot import payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.nlu.codes import code_candidates, find_registration_code
from bot.router import Route
from handlers.form_reading import ONESELF
from handlers.my_registrations import cancel_registration
from handlers.training_detail import show_training
from handlers.training_filters import (
    _BACK,
    _FILLER,
    _FREE,
    _NEW_SEARCH,
    _NEXT,
    _NOT_LIST,
    _REGISTER,
    ELIGIBILITY,
    JOINING,
    _aspect,
    _has,
    code_payload,
    read_wanted,
    words_of,
)
from handlers.training_lists import refine_list, similar_trainings, turn_page
from handlers.training_memory import (
    GUIDE,
    PROFILE,
    _last_was_ours,
    _page_offset,
    _remember,
    in_view,
    number_in_list,
    pick_from_list,
)
from handlers.training_questions import answer_about
from handlers.training_search import register_code

# Asking for the same craft elsewhere ("gerabah di tempat lain ada gk?"): not the venue of the one in view.
_ELSEWHERE = frozenset({"tempat lain", "daerah lain", "kota lain", "lokasi lain", "wilayah lain", "kabupaten lain",
                        "provinsi lain", "somewhere else", "elsewhere", "other places", "other cities", "gpp jauh",
                        "nggak apa jauh", "walau jauh", "biar jauh"})
_CANCELLING = frozenset({"batal", "batalkan", "batalin", "cancel", "gak jadi", "ga jadi", "gajadi", "tidak jadi"})
# Asking for others like the training in view.
_SIMILAR = frozenset({"yang lain", "yg lain", "mirip", "serupa", "sejenis", "similar", "other",
                      "others", "another", "yang sama", "yg sama", "kayak gini", "kaya gini", "like this"})
SHORT_WORDS = 8  # a question about what is in view is short ("biayanya brp", "sertifikatnya dapat?")
SHORT_WORDS_ASKING_THE_LIST = 16  # a question under a list naming a craft or place refines it ("eh bentar kak, ...?")
SHORT_WORDS_NAMING_THE_LIST = 12  # a little longer when it names the list's own craft or place again, or asks ("?")

# --- follow-ups (router context) ----------------------------------------------------------------

def _subject(ctx: HandlerContext) -> list[str]:
    """What a question is about: the training being registered for, the number named, the detail or list in view."""
    memory = ctx.state.memory
    if ctx.state.name:
        code = ctx.state.data.get("training") or memory.get("training")
        return [str(code)] if code else []
    picked = pick_from_list(ctx)
    if picked:
        return [picked]
    shown = [str(c) for c in memory.get("list") or []]
    if memory.get("focus") == "list" and shown:
        return shown
    code = memory.get("training")
    return [str(code)] if code else []


def _the_lists_own(ctx: HandlerContext) -> bool:
    """Whether the places, crafts and months the message names are the filters of the list in view."""
    memory = ctx.state.memory
    u = ctx.understanding
    if memory.get("focus") != "list" or u is None:
        return False
    named = {k: v for k, v in {"c": u.craft, "p": u.province, "r": u.regency}.items() if v}
    listed = (memory.get("shown") or {}).get("w") or {}
    return bool(named) and not (u.date_from or u.date_to) and all(listed.get(k) == v for k, v in named.items())


def _paging(words: str) -> str | None:
    tokens = words.split()
    if not tokens or len(tokens) > 5 or not all(t in _NEXT | _BACK | _FILLER for t in tokens):
        return None
    if any(t in _BACK for t in tokens):
        return "back"
    if any(t in _NEXT for t in tokens):
        return "next"
    return None


_CANCEL = {"batal", "batalkan", "batalin", "cancel", "gak jadi", "ga jadi", "nggak jadi", "tidak jadi", "gajadi"}


async def about_registration(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A registration code in a message ("batal KR-JWC4ZD", "info KR-JWC4ZD"): cancel it (asking first) or show
    it, when it is the person's own; never looked up as a training code."""
    code = ctx.args[0] if ctx.args else ""
    found = [r for r in await ctx.services.registrations.upcoming_for(ctx.person.id) if r.code == code]
    if not found:
        return [Reply(_("Pendaftaran {code} tidak ditemukan atau sudah dibatalkan.").format(code=code),
                      (Button(_("Pelatihan saya"), "my"),))]
    if _has(words_of(msg.text or ""), _CANCEL):
        ctx.args = [code]
        return await cancel_registration(msg, ctx)
    item = found[0]
    status = (_("terdaftar") if item.status == "registered"
              else _("daftar tunggu nomor {n}").format(n=item.waitlist_position))
    ctx.state.memory["training"] = item.training_code
    buttons = (Button(_("Batalkan {code}").format(code=item.code), payloads.make("rc", item.code)),
               Button(_("Detail lengkap"), code_payload("td", item.training_code)), Button(_("Menu"), "menu"))
    _remember(ctx, "training", buttons)
    text = _("Pendaftaran {code}: {title} ({training}), status: {status}.").format(
        code=item.code, title=item.training_title, training=item.training_code, status=status)
    return [Reply(text, buttons)]


_ALREADY = frozenset({"sudah", "udah", "udh", "sdh", "dah", "already", "pernah"})  # "udh daftar kemarin": done


def follow_up(msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
    """A message about what was just shown: a registration code ("batal KR-JWC4ZD"), a typed code ("daftar
    UJIREG-1"), a question about the training in view ("biayanya brp"), paging ("lagi"), a number past the
    options, or a list refined ("yg gratis aja")."""
    text = msg.text or ""
    u = ctx.understanding
    words = words_of(text)
    if not words or u is None:
        return None
    registration = find_registration_code(text)
    if registration:
        return Route(about_registration, [registration])
    if ctx.state.memory.get("focus") == GUIDE or in_view(ctx) == PROFILE:
        return None  # under a guide or the profile, their own follow-ups (handlers/guides.py, profile.py)
    candidates = code_candidates(text)
    memory = ctx.state.memory
    slots = bool(u.craft or u.province or u.regency or u.date_from or u.date_to)
    short = len(words.split()) <= SHORT_WORDS or ("?" in text and len(words.split()) <= SHORT_WORDS_NAMING_THE_LIST)
    if slots and not (u.craft or u.province or u.regency) and memory.get("focus") == "training":
        slots = False  # "kenapa ditutup, kan pelatihannya masih tgl 10": a date of the training in view
        short = len(words.split()) <= SHORT_WORDS_NAMING_THE_LIST
    if slots and _the_lists_own(ctx) and len(words.split()) <= SHORT_WORDS_NAMING_THE_LIST:
        slots, short = False, True  # "what about the ecoprint class, is there a certificate?" under that list
    aspect = (_aspect(words) if short and not slots and not candidates and u.topic is None
              and not _has(words, _NEW_SEARCH - {"pelatihannya"}) else None)
    if (not aspect and not candidates and memory.get("focus") == "training" and memory.get("training")
            and _has(words, ELIGIBILITY) and (slots or "?" in text or _has(words, {"gmn", "gimana", "bagaimana"}))):
        # "sy gk punya KTP NTB, sy org bali. boleh gk?" under the Lombok training: its requirements and who decides
        return Route(answer_about, ["requirements", str(memory["training"])])
    if aspect == "waitlist" and not ctx.state.name and len(subject := _subject(ctx)) == 1:
        if _has(words, JOINING) and not words.endswith("?"):
            return Route(register_code, subject)  # "yaudah masuk daftar tunggu aja": registering puts them there
        return Route(answer_about, [aspect, *subject])  # "kalo daftar tunggu nanti dikabari gk?"
    if ctx.state.name:  # inside a form: only questions about the training being registered for
        subject = _subject(ctx) if aspect and u.intent not in _NOT_LIST else []
        return Route(answer_about, [aspect, *subject]) if aspect and subject else None
    if candidates:
        if _has(words, _REGISTER) and not _has(words, {"batal", "batalkan", "cancel"}):
            return Route(register_code, candidates)
        return None  # the router's own code route (typed_code) looks them up
    ours = _last_was_ours(ctx)
    list_in_view = memory.get("focus") == "list" and len(memory.get("list") or []) > 1
    if aspect == "fee" and list_in_view and _has(words, _FREE) and not _has(words, {"biaya", "bayar", "biayanya"}):
        aspect = None  # "yang gratis aja" after a list filters it
    in_detail = memory.get("focus") == "training" and bool(memory.get("training"))
    if in_detail and _has(words, _ELSEWHERE) and not candidates:
        return Route(similar_trainings, [str(memory["training"])])  # "trus gerabah di tempat lain ada gk? gpp jauh"
    asks_certificate = aspect == "certificate" and u.intent == "certification" and u.topic is None
    if aspect and (u.intent not in _NOT_LIST - {"help"} or asks_certificate):
        subject = _subject(ctx)  # ("sertifikatnya dapet gk kak?" under a detail: its certificate, not the guides)
        if subject:
            return Route(answer_about, [aspect, *subject])
    if in_detail and words.split()[0] in _REGISTER and not _has(words, _CANCELLING):
        return Route(register_code, [str(memory["training"])])  # "Register please. Do I need an Indonesian number?"
    if (in_detail and _has(words, _REGISTER) and u.intent in ("unknown", "register")
            and not _has(words, _CANCELLING | _ALREADY)):
        return Route(register_code, [str(memory["training"])])  # "sa tra punya hp sendiri, pake hp anak. bisa daftar kah?"
    if (memory.get("focus") == "training" and memory.get("training") and short and not slots
            and _has(words, _SIMILAR) and not aspect):
        return Route(similar_trainings, [str(memory["training"])])  # "ADA YG LAIN GK YG MIRIP" under a detail
    shown = memory.get("shown")
    if not shown:
        return None
    if ours:
        step = _paging(words)
        if step:
            return Route(turn_page, ["again" if step == "back" and memory.get("focus") == "training" else step])
        if text.strip().rstrip(".").isdigit():
            code = number_in_list(ctx, int(text.strip().rstrip(".")))
            if code and _page_offset(ctx) < int(text.strip().rstrip(".")):
                return Route(show_training, [code])
    wanted = read_wanted(text, ctx)
    other_request = u.intent in _NOT_LIST and (u.confidence >= 0.6 or u.intent == "register")
    if u.intent == "profile" and list_in_view and (not set(words.split()) & ONESELF or "?" in text):
        other_request = False  # "ganti ke kerajinan perak" under a list: the list, not one's profile
    asked_of_the_list = list_in_view and "?" in text and len(words.split()) <= SHORT_WORDS_ASKING_THE_LIST
    if (wanted and (short or asked_of_the_list) and not _has(words, _NEW_SEARCH) and not other_request
            and u.topic is None and not _has(words, _REGISTER)):
        return Route(refine_list, [";".join(f"{k}={v}" for k, v in wanted.items())])
    return None
