"""Registering for a training by message: the form's handler, its buttons, and the form itself (FORM)."""

from __future__ import annotations

from dataclasses import replace

from bot import nlu, payloads
from bot.context import HandlerContext
from bot.core import Button, IncomingMessage, Reply
from bot.i18n import _
from bot.nlu import answers
from bot.router import Form
from handlers import form_fields, form_questions, form_reading
from handlers.form_fields import BY_NAME, FIELDS
from handlers.registration_answers import (
    QUEUED,
    _carried_over,
    _change,
    _edit_request,
    _take,
    correction,
    edit_field,
    take_correction,
)
from handlers.registration_start import _cancel_form, _finish
from handlers.registration_steps import (
    CHOICE,
    STATE,
    _ask,
    _is_cancel,
    _next_field,
    _reask,
    _step,
    _words,
    open_at_confirmation,
    prompt,
)

# --- reading answers ----------------------------------------------------------------------------

# Verbs that fit a yes to the consent or the confirmation of a registration ("ya daftar", "iya kirim"); another
# verb makes the message another request ("hapus data saya" is no yes to registering).
_FORM_VERBS = answers.REGISTERING | answers.SENDING  # what confirms this form; "hapus" there is another request


def form_answer(text: str, bare_verb: bool = True, remark_after_no: bool = False) -> str | None:
    """The yes/no/… of an answer to the consent or confirmation question, None when it carries another verb; a
    no followed by a remark counts only where `remark_after_no` (the consent: nothing is lost by a no there)."""
    if any(w in answers.CONFIRMING and w not in _FORM_VERBS for w in answers.words(text)):
        return None
    return answers.meaning(text, bare_verb=bare_verb, remark_after_no=remark_after_no)


def looks_like_answer(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    """Whether the message is for the form: an answer to the current question, a cancel, or a question about the
    training being registered for (answered by the form itself); else it may be another question."""
    text = _words(msg.text or "")
    field = _step(ctx)
    if _is_cancel(text) or msg.contact:
        return True
    if ctx.state.data.get("mode") == "edit" and _edit_request(msg.text or ""):
        return True  # another field named while editing one: that one is edited instead
    if _registering_again(msg, ctx):
        return True  # "laki2, ya daftar": this registration's answer, never a fresh start that drops the answers
    if field in ("consent", "confirm"):
        if field == "confirm" and form_fields.change_request(msg.text or "", loose=True):
            return True
        if field == "confirm" and _optional_answer(msg, ctx) is not None:
            return True
        if answers.verb(msg.text or "") in answers.REGISTERING:
            return True  # "daftar" at the consent: this registration's question again, not "which training?"
        if form_answer(msg.text or "", bare_verb=field == "confirm", remark_after_no=field == "consent") is not None:
            return True
    elif BY_NAME[field].looks_like(msg, ctx) or correction(msg, ctx):
        return True  # (a correction of any field: "ganti wilayah saya ke …" is for the form, not the profile)
    return form_questions.training_question(msg.text or "") is not None


def _registering_again(msg: IncomingMessage, ctx: HandlerContext) -> bool:
    """A wish to register, in the middle of registering, naming no other training."""
    understood = ctx.understanding
    if understood is None or understood.intent != REGISTER_INTENT:
        return False
    code = nlu.find_training_code(msg.text or "")
    return code is None or code.casefold() == str(ctx.state.data.get("training") or "").casefold()


def _optional_and_yes(msg: IncomingMessage, ctx: HandlerContext) -> tuple[str, object] | None:
    """An optional question's answer and the yes in one message ("laki2, ya daftar", "daftar aja, sy cewek"):
    the answer when one side of the message reads as it and the other as a yes."""
    if msg.payload is not None or ctx.args:
        return None
    tokens = (msg.text or "").split()
    for cut in range(1, len(tokens)):
        for answer, rest in ((tokens[:cut], tokens[cut:]), (tokens[cut:], tokens[:cut])):
            if form_answer(" ".join(rest)) != "yes":
                continue
            part = replace(msg, text=" ".join(answer))
            for name in open_at_confirmation(ctx):
                reading = BY_NAME[name].read(part, ctx)
                if reading.value is not None and not reading.problem and BY_NAME[name].looks_like(part, ctx):
                    return name, reading.value
    return None


def _yes_and_answer(msg: IncomingMessage, ctx: HandlerContext) -> IncomingMessage | None:
    """A yes to the consent followed by the answer to the first question ("setuju, nama sy Sri Rahayu"): that
    answer, as a message of its own; None when what follows the yes does not answer it."""
    if msg.payload is not None or ctx.args or ctx.state.data.get("mode") == "edit":
        return None
    tokens = (msg.text or "").split()
    for cut in range(1, min(len(tokens), YES_WORDS_MAX + 1)):
        if form_answer(" ".join(tokens[:cut]), bare_verb=False) != "yes":
            continue
        rest = replace(msg, text=" ".join(tokens[cut:]).strip(" ,.;-"))
        said = [w for w in answers.words(rest.text or "") if w not in answers.COURTESY and w not in ADDRESSING]
        if len(said) < MIN_ANSWER_WORDS and not any(ch.isdigit() for ch in rest.text or ""):
            return None  # "setuju bapa": a form of address after the yes, no name ("Bapa" is nobody's)
        ctx.state.data["consent"] = True  # (the next question is the one after the consent)
        following = _next_field(ctx)
        ctx.state.data.pop("consent")
        if following in BY_NAME and BY_NAME[following].looks_like(rest, ctx):
            return rest
    return None


def _optional_answer(msg: IncomingMessage, ctx: HandlerContext) -> tuple[str, object] | None:
    """An answer to a question the confirmation asks besides itself (gender): its button, or its words."""
    asked = open_at_confirmation(ctx)
    if ctx.args and ctx.args[0] in {BY_NAME[n].button for n in asked}:
        name = next(n for n in asked if BY_NAME[n].button == ctx.args[0])
        return name, BY_NAME[name].read(msg, ctx).value
    if msg.payload is not None or ctx.args or form_answer(msg.text or "") is not None:
        return None  # "ya", "gak" at the confirmation answer the confirmation
    for name in asked:
        reading = BY_NAME[name].read(msg, ctx)
        if reading.value is not None and BY_NAME[name].looks_like(msg, ctx) and not reading.problem:
            return name, reading.value
    return None


REGISTER_INTENT = "register"
YES_WORDS_MAX = 4  # the words of a yes before an answer ("iya kak setuju,")
MIN_ANSWER_WORDS = 2  # words after the yes, besides courtesy, for them to be the next answer ("nama sy Sri")
# Forms of address said after a yes ("setuju bapa", "nggih bu", "oke mama"): no answer to any question.
ADDRESSING = frozenset({"bapa", "bapak", "pak", "mama", "mamak", "ibu", "bu", "kaka", "kakak", "kak", "mas", "mbak",
                        "om", "tante", "bang", "abang", "uni", "uda", "bli", "mbok", "teteh", "akang", "kang",
                        "ama", "ina", "nyong", "nona", "adik", "dek", "sir", "madam", "maam"})
FREE_TEXT = ("name", "region", "business")  # questions whose answer is any text: a question there is no answer
OTHER_QUESTION = "other"  # a question the form cannot answer: the organizer's contact


async def _answer_question(topic: str, ctx: HandlerContext, field: str) -> list[Reply]:
    """A question about the training in the middle of the form: the answer, then the question in one line."""
    training = await ctx.services.trainings.by_code(ctx.state.data.get("training") or "")
    replies = [Reply(form_questions.answer_about(topic, training))] if training else []
    text, buttons = _reask(ctx, field)
    return [*replies, Reply(text, buttons)]


# --- the form -----------------------------------------------------------------------------------

async def answer_form(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """Take the answer to the current question, then ask the next one (or confirm)."""
    field = _step(ctx)
    text = " ".join((msg.text or "").split())
    payload_value = ctx.args[1] if len(ctx.args) > 1 else None
    if _is_cancel(text) or (ctx.args and ctx.args[0] == "cancel"):
        return _cancel_form(ctx)
    data = ctx.state.data
    if ctx.args and ctx.args[0] == "change" and payload_value in BY_NAME:
        return _change(ctx, payload_value)
    typed = msg.payload is None and not ctx.args
    if field == "confirm" and typed and (wanted := form_fields.change_request(text, loose=True)):
        return _change(ctx, *wanted, msg=msg)
    if field == "confirm" and (optional := _optional_answer(msg, ctx)) is not None:
        name, value = optional  # "cewek", or its button, on the confirmation: recorded, the summary again
        data[name] = value
        return [_ask(ctx, "confirm")]
    if field == "confirm" and (optional := _optional_and_yes(msg, ctx)) is not None:
        name, value = optional  # "cowok, ya kirim": recorded, and sent
        data[name] = value
        return await _finish(ctx)
    if data.get("mode") == "edit" and typed and (wanted := _edit_request(text)):
        return await edit_field(ctx, *wanted, msg=msg)  # "ubah wilayah ke denpasar" while editing another field
    topic = form_questions.training_question(text) if typed else None
    asks = field in FREE_TEXT and typed and form_questions.is_question(text)  # "knp hrs bawa KTP NTB, sy org …?"
    answered = field in ("consent", "confirm") and form_answer(
        text, bare_verb=field == "confirm", remark_after_no=field == "consent") is not None
    if topic and not answered and (asks or field not in BY_NAME or not BY_NAME[field].looks_like(msg, ctx)):
        return await _answer_question(topic, ctx, field)
    if asks:
        return await _answer_question(OTHER_QUESTION, ctx, field)
    if field in BY_NAME and typed:
        corrected = await take_correction(ctx, field, msg)
        if corrected is not None:
            return corrected
        msg = replace(msg, text=form_reading.after_correction(text))  # "batik, eh salah, maksudnya tenun"
    if field in BY_NAME:
        return await _take(ctx, _carried_over(msg, ctx, field), msg)
    problem: str | None = None
    if field == "consent":
        # Agreeing takes an answer word: "register" alone (the button before) is asked again.
        choice = payload_value or CHOICE.get(form_answer(text, bare_verb=False, remark_after_no=True) or "")
        if choice == "no":
            code = data.get("training")
            ctx.state.clear()
            changed_mind = (Button(_("Saya setuju, lanjutkan"), payloads.make("rgy", code), answer="yes"),) if code else ()
            return [Reply(_("Baik, tidak apa-apa. Tanpa izin itu kami tidak bisa mendaftarkan Anda, dan tidak ada "
                            "data yang disimpan. Anda tetap bisa melihat pelatihan dan panduan."),
                          (*changed_mind, Button(_("Menu"), "menu")))]
        if choice == "yes":
            data["consent"] = True
            pending = data.pop("pending", None)
            if data.get("mode") == "edit" and pending:
                return await edit_field(ctx, data["field"], pending, msg=msg, queued=data.get(QUEUED))
        elif data.get("mode") == "edit" and (also := form_fields.field_and_value(text) or _edit_request(text)):
            data[QUEUED] = [*data.get(QUEUED, []), list(also)]  # a new list: the stored state sees the change
            reask, buttons = _reask(ctx, "consent")
            return [Reply(_("Baik, itu juga disimpan setelah Anda setuju.") + " " + reask, buttons)]
        elif (answer := _yes_and_answer(msg, ctx)) is not None:
            data["consent"] = True  # "setuju, nama sy Lalu Rahmat Hidayat hp 081907123456": agreed, and answered
            return await _take(ctx, _next_field(ctx), answer)
        else:
            reask, buttons = _reask(ctx, "consent")
            return [Reply(_("Mohon jawab Setuju atau Tidak setuju.") + " " + reask, buttons)]
    elif field == "confirm":
        choice = payload_value or CHOICE.get(form_answer(text) or "")
        if choice == "yes":
            return await _finish(ctx)
        if choice == "edit":
            code = data.get("training")
            view = data.get("training_view")
            ctx.state.enter(f"{STATE}:name", training=code, training_view=view, fresh=True, consent=True)
            return [_ask(ctx, "name")]
        if choice == "no":
            return _cancel_form(ctx)
        problem = _("Mohon pilih Ya, daftar atau Batal.")
    if problem:
        return [_ask(ctx, field, problem)]
    return [_ask(ctx, _next_field(ctx))]


async def form_payload(msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
    """A button of the form; outside the form (an old message) it says so."""
    if not (ctx.state.name or "").startswith(STATE):
        return [Reply(_("Pertanyaan itu sudah tidak berlaku. Silakan mulai lagi dari menu."),
                      (Button(_("Menu"), "menu"),))]
    step = (ctx.state.name or "").split(":")[-1]
    expected = {"consent": ("consent",), "confirm": ("confirm", "change", *(
                    BY_NAME[n].button for n in open_at_confirmation(ctx))),
                **{f.name: (f.button,) for f in FIELDS if f.button}}
    if ctx.args and ctx.args[0] != "cancel" and ctx.args[0] not in expected.get(step, ()):
        return [_ask(ctx, step)]
    return await answer_form(msg, ctx)


FORM = Form(handle=answer_form, looks_like_answer=looks_like_answer, prompt=prompt)
