"""Chooses the handler for a message: global words, button payloads, commands, form states, intents."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot import nlu
from bot.context import HandlerContext
from bot.core import IncomingMessage, Reply
from bot.nlu import answers
from bot.nlu.answers import answer_and_rest
from bot.nlu.normalize import normalize
from bot.nlu.numbers import PICK_WORDS, find_number
from bot.payloads import Spec, accepts, parse

logger = logging.getLogger(__name__)

Handler = Callable[[IncomingMessage, HandlerContext], Awaitable[list[Reply]]]
MAX_TEXT = 4096  # longer messages are cut before they are read
INTERRUPTION_CONFIDENCE = 0.75  # how sure the NLU must be that a message in a form is another question


WHATSAPP_NUMBERED_AFTER = 10  # WhatsApp shows more options than a list holds as numbered text of the payload ones


def options_of(reply: Reply, channel: str = "") -> list[list[str]]:
    """What the person can answer to `reply`: [title, payload, meaning] of each option (meaning may be ""),
    numbered the way `channel` shows them. The console (and Telegram's keyboards, and WhatsApp's buttons and
    lists) show every button in order, so a contact, location or link button keeps its number with an empty
    payload: typing its number chooses nothing else. WhatsApp's numbered text (more than 10 options) numbers the
    payload buttons only."""
    payload_only = [b for b in reply.buttons if b.kind == "payload"]
    shown = payload_only if channel == "whatsapp" and len(payload_only) > WHATSAPP_NUMBERED_AFTER else reply.buttons
    return [[b.title, b.payload if b.kind == "payload" else "", (b.answer or "") if b.kind == "payload" else ""]
            for b in shown]


# An acknowledgement before what the person goes on to ask ("ok makasih. kalo batikmark itu apa", "ok mulai").
_ACKNOWLEDGED = re.compile(
    r"(?i)^\s*(?:(?:ok(?:e|ey|eh|ay|ee)?|oce|sip|siip|noted|mantap|mantab|makasih|makasi|maksih|trims|trimakasih"
    r"|terima\s*kasih|thanks|thank\s+you|thx|tq|ty)(?:\s+(?:kak|ka|min|ya|deh|banyak|bu|pak|mas|mbak|a\s+lot|so\s+much"
    r"|very\s+much))*[\s,.!]+)+")


_THANKING = re.compile(r"(?i)\b(?:makasih|makasi|maksih|trims|trimakasih|terima\s*kasih|thanks|thank\s+you|thx|tq|ty)\b")
THANKS = "terima kasih"  # a whole message of thanks, as the NLU knows it best ("thanks a lot!", "thank you so much")


# What closes a thank-you ("ok makasih kak, udh cukup", "thanks, that is helpful!", "makasih banyak ya, tabe").
_CLOSING = frozenset({"cukup", "udh", "udah", "sudah", "dah", "helpful", "membantu", "banyak", "that", "is", "was",
                      "very", "really", "tabe", "ya", "yaa", "great", "nice", "good", "mantap", "infonya", "info",
                      "sangat", "jelas", "paham", "ngerti", "much", "lot", "for", "help", "bantuannya", "ok", "oke",
                      "sip", "siap", "matur", "nuwun", "suksma", "hatur", "nuhun", "god", "bless", "berkah", "amin"})


def without_acknowledgement(text: str) -> str:
    """The message without an opening "ok makasih", when something follows it that is more than courtesy; a
    message that is all thanks reads as plain thanks."""
    rest = _ACKNOWLEDGED.sub("", text + " ", count=1).strip()
    if not any(w not in answers.COURTESY | _CLOSING for w in answers.words(rest)):
        return THANKS if _THANKING.search(text) and rest != text.strip() else text
    return rest if rest != text.strip() else text


EARLIER = "earlier"  # memory: the buttons of the turn's replies before the last (a form asked again after them)


def remember_earlier_options(memory: dict[str, Any], replies: list[Reply], channel: str = "") -> None:
    """Keep the payload buttons of a turn's earlier replies: "hapus 1" typed under a list of subscriptions that
    a form's question came after still means that list's "Hapus 1" (by its exact title, never by a number)."""
    earlier = [option for reply in replies for option in options_of(reply, channel) if option[1]]
    if earlier:
        memory[EARLIER] = earlier
    else:
        memory.pop(EARLIER, None)


def option_by_exact_title(text: str, options: list[list[str]]) -> str | None:
    wanted = " ".join(answers.words(text))
    found = [o[1] for o in options if o[1] and wanted and " ".join(answers.words(o[0])) == wanted]
    return found[0] if len(set(found)) == 1 else None


# Words dropped before a short answer is compared with the options' titles ("yg kabupaten", "kota aja").
SHORT_ANSWER_FILLER = frozenset({"yg", "yang", "aja", "saja", "dong", "kak", "the", "one"})
SHORT_ANSWER_MAX_WORDS = 3
SHORT_ANSWER_MAX_OPTIONS = 6


def option_by_title_words(text: str, options: list[list[str]]) -> str | None:
    """The one-option-by-its-words rule: a short answer (at most 3 words after dropping "yg", "aja" ...) whose
    words are all in exactly one option's title picks it ("yg kabupaten" for "Kabupaten Malang"), only among a
    few options (at most 6)."""
    chosen = [option for option in options if option[1]]
    if len(options) > SHORT_ANSWER_MAX_OPTIONS:
        return None
    typed = [w for w in answers.words(text) if w not in SHORT_ANSWER_FILLER]
    if not typed or len(typed) > SHORT_ANSWER_MAX_WORDS:
        return None
    having = [option for option in chosen if set(typed) <= set(answers.words(option[0]))]
    return having[0][1] if len(having) == 1 else None


def option_by_prefix(text: str, options: list[list[str]]) -> str | None:
    """The payload of the one "go on" option whose title starts with the typed word(s) ("mulai" for "Mulai
    langkah 1"); a topic that happens to start with the word ("Mulai ekspor") is not chosen over a keyword."""
    typed = answers.words(text)
    if not typed:
        return None
    having = [option[1] for option in options
              if option[1] and len(option) > 2 and option[2] == "next"
              and answers.words(option[0])[:len(typed)] == typed]
    return having[0] if len(having) == 1 else None


def chose_button_without_payload(text: str, options: list[list[str]]) -> bool:
    """Whether the person typed the number or the title of a contact, location or link button ("2", "kirim
    nomor saya" where the console cannot share a contact)."""
    typed = text.rstrip(".").strip()
    if typed.isdigit():
        return 1 <= int(typed) <= len(options) and not options[int(typed) - 1][1]
    wanted = " ".join(answers.words(text))
    return bool(wanted) and any(not o[1] and " ".join(answers.words(o[0])) == wanted for o in options)


NEGATION_REACH = 2  # a verb negated by a word this close is not the answer's verb ("ga jadi batal": keep it)


def _verbs_agree(text: str, title: str) -> bool:
    """A yes with a verb confirms only an option about that verb: "hapus data saya" is not "Ya, batalkan" (a verb
    kept or negated, "gk jadi deh, tetep ikut", "ga jadi batal", is no verb of the answer)."""
    said = answers.without_keeping(answers.words(text))
    typed = [w for i, w in enumerate(said) if w in answers.CONFIRMING | answers.ABORTING
             and not any(answers.meaning(before) == "no" for before in said[max(0, i - NEGATION_REACH):i])]
    if not typed:
        return True
    shown = answers.words(title)
    return any(answers.same_verb(a, b) for a in typed for b in shown)


def option_by_verb_and_number(others: list[str], number: int, options: list[list[str]]) -> str | None:
    """The `number`-th of the options whose title has the one verb typed beside the number ("hapus yg pertama",
    "batalkan yang kedua"): lists of "Hapus 1", "Batalkan KR-…" buttons are numbered among themselves."""
    verbs = [w for w in others if w not in PICK_WORDS and w not in answers.COURTESY]
    if len(verbs) != 1 or verbs[0] not in answers.CONFIRMING | answers.ABORTING:
        return None
    having = [o for o in options if o[1] and any(answers.same_verb(verbs[0], w) for w in answers.words(o[0]))]
    if len(having) < 2 and not any(any(ch.isdigit() for ch in o[0]) for o in having):
        return None  # "hapus 1" under the profile is not its one "Hapus data saya"
    return having[number - 1][1] if 1 <= number <= len(having) else None


GO_ON_MAX_PLAIN = 2  # a yes means "next" only among a few options (a guide's step), never under a list


def match_option(text: str, options: list[list[str]]) -> str | None:
    """The payload of the option the person typed: by its number ("2", "yang kedua", "nomor 2", "nu kadua",
    "sing kaping telu"), its title, or in their own words when one option has that meaning (a yes, a no,
    "lanjut" ...; a yes goes on when the only way on is a "next" option), or by the one verb of its title
    ("batalkan" for "Ya, batalkan")."""
    wanted = text.strip().rstrip(".").strip()
    tokens = normalize(text).split() if not wanted.isdigit() and len(wanted) <= 60 else []
    number, at = find_number(tokens)
    if wanted.isdigit():
        number = int(wanted)
    elif number is not None and at is not None and not set(tokens[:at] + tokens[at + 1:]) <= PICK_WORDS:
        picked = option_by_verb_and_number(tokens[:at] + tokens[at + 1:], number, options)
        if picked:
            return picked  # "hapus yg pertama" under "Hapus 1", "Hapus 2": the first of the Hapus options
        number = None  # "pelatihan nomor 2 biayanya berapa" is a question about it, not a pick
    if number is not None and 1 <= number <= len(options):
        return options[number - 1][1] or None  # a contact or link button: its number chooses nothing else
    wanted = " ".join(answers.words(text))
    plain = " ".join(w for w in answers.words(text) if w not in SHORT_ANSWER_FILLER)
    for option in options:
        title = " ".join(answers.words(option[0]))
        if option[1] and ((wanted and title == wanted) or (plain and title == plain)):
            return option[1]  # the title typed, perhaps with "aja", "yg", "dong" ("tenun aja")
    options = [option for option in options if option[1]]  # only what can be chosen by typing
    meaning = answers.meaning(text)
    if meaning:
        meanings = [option[2] if len(option) > 2 else "" for option in options]
        if meaning == "yes" and "yes" not in meanings and meanings.count("") <= GO_ON_MAX_PLAIN:
            meaning = "next"  # "ok", "sip" under a guide's step: go on (not under a list: it is not a page turn)
        meant = [option for option, means in zip(options, meanings, strict=True) if means == meaning]
        if len(meant) != 1 or not _verbs_agree(text, meant[0][0]):
            return None
        return meant[0][1]
    verb = answers.verb(text)
    if verb:
        chosen = [option[1] for option in options if any(answers.same_verb(verb, w) for w in answers.words(option[0]))]
        return chosen[0] if len(chosen) == 1 else None
    typed = answers.words(text)
    if len(typed) > 1 and typed[-1] in answers.NEXT:  # "ulos kan bukan kayu bang 😅 lanjut": a remark, then on
        going_on = [option[1] for option in options if len(option) > 2 and option[2] == "next"]
        if len(going_on) == 1:
            return going_on[0]
    return option_by_title_words(text, options)


def asks_yes_or_no(replies: list[Reply]) -> bool:
    """Whether the last reply asks a yes/no question of its own (a confirmation)."""
    return bool(replies) and any(b.answer in ("yes", "no") for b in replies[-1].buttons)


def asks_again(replies: list[Reply], prompt: Reply) -> bool:
    """Whether the replies end with the form's question already (the same choices as its prompt)."""
    if not replies:
        return False
    shown = [b.payload for b in replies[-1].buttons]
    return bool(shown) and shown == [b.payload for b in prompt.buttons]


@dataclass
class Form:
    """A conversation state that asks questions: its answer handler, how to tell an answer from another
    question, and how to ask the current question again after an interruption."""

    handle: Handler
    looks_like_answer: Callable[[IncomingMessage, HandlerContext], bool]
    prompt: Callable[[HandlerContext], Reply]


@dataclass
class Route:
    handler: Handler
    args: list[str] = field(default_factory=list)


Context = Callable[[IncomingMessage, HandlerContext], "Route | None"]


@dataclass
class Router:
    """Ordered tables of handlers; `resolve` picks one for a message."""

    payloads: dict[str, Handler] = field(default_factory=dict)
    payload_specs: dict[str, Spec] = field(default_factory=dict)  # what each route's arguments may be
    commands: dict[str, Handler] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)  # by state prefix before ':'
    intents: dict[str, Handler] = field(default_factory=dict)
    keywords: dict[str, Handler] = field(default_factory=dict)  # exact words that beat any state (STOP)
    absolute: set[str] = field(default_factory=set)  # keywords that beat even an option of the last reply (STOP)
    contexts: list[Context] = field(default_factory=list)  # follow-ups about what was just shown, in order
    fallback: Handler | None = None

    def payload(self, route: str, handler: Handler, spec: Spec | None = None) -> None:
        """Buttons carrying `route:arg:...` go to `handler` when their arguments pass `spec` (Kriya's own routes
        all declare one, `NO_ARGS` for none; tests/test_payloads.py checks that)."""
        self.payloads[route] = handler
        if spec is not None:
            self.payload_specs[route] = spec

    def command(self, names: str, handler: Handler) -> None:
        for name in names.split():
            self.commands[name] = handler

    def form(self, prefix: str, form: Form) -> None:
        self.forms[prefix] = form

    def intent(self, names: str, handler: Handler) -> None:
        for name in names.split():
            self.intents[name] = handler

    def context(self, matcher: Context) -> None:
        """A follow-up reader: given the message (understood) and what the person saw last, a Route or None."""
        self.contexts.append(matcher)

    def by_context(self, msg: IncomingMessage, ctx: HandlerContext) -> Route | None:
        for matcher in self.contexts:
            route = matcher(msg, ctx)
            if route is not None:
                return route
        return None

    def keyword(self, words: str, handler: Handler, absolute: bool = False) -> None:
        """Exact words that beat any state; an option of the last reply whose title starts with them wins over
        them ("mulai" under "Mulai langkah 1") unless they are `absolute` (STOP)."""
        for word in words.split():
            self.keywords[word.casefold()] = handler
            if absolute:
                self.absolute.add(word.casefold())

    def by_payload(self, payload: str) -> Route | None:
        """The route of a button payload; the fallback ("not understood") when its arguments could not have come
        from a button Kriya made (a forged callback or reply id), so its handler never sees them."""
        route, args = parse(payload)
        handler = self.payloads.get(route)
        if handler is None:
            return None
        spec = self.payload_specs.get(route)
        if spec is not None and not accepts(spec, payload):
            logger.info("refused a %s payload whose arguments no button carries (%d bytes)", route, len(payload))
            return Route(self.fallback) if self.fallback else None
        return Route(handler, args)

    def by_command(self, text: str) -> Route | None:
        if not text.startswith("/"):
            return None
        name, *rest = text[1:].split(maxsplit=1)
        handler = self.commands.get(name.split("@")[0].casefold())
        return Route(handler, rest[0].split() if rest else []) if handler else None

    def by_keyword(self, text: str) -> Route | None:
        handler = self.keywords.get(text.strip().strip(".!").casefold())
        return Route(handler) if handler else None

    def by_state(self, state: str | None) -> Form | None:
        return self.forms.get(state.split(":")[0]) if state else None

    def by_intent(self, intent: str) -> Route:
        handler = self.intents.get(intent) or self.fallback
        if handler is None:
            raise LookupError("router has no fallback")
        return Route(handler)

    def prepared(self, msg: IncomingMessage, state: str | None) -> IncomingMessage:
        """The message as the handlers read it: outside a form an opening acknowledgement is left out (in a form
        "Oke Batik" may be the business's name)."""
        if msg.payload or not msg.text or state is not None or answers.meaning(msg.text) is not None:
            return msg  # ("oke kak lanjut" is an answer as it is)
        text = without_acknowledgement(msg.text)
        return msg if text == msg.text else replace(msg, text=text)

    async def answer(self, msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        """The replies to `msg`: its handler's, then the interrupted form's question again (once). Two answers in
        one message ("setuju. tp sertifikatnya dapet gk?", "eh gk jd deh, tp stop kabar anyaman aja") are both
        done, in the order said, when the first answers the question asked and the second is a request."""
        parts = self.two_answers(msg, ctx)
        if parts is None:
            return await self.run(msg, ctx)
        first = await self.run(replace(msg, text=parts[0]), ctx)
        ctx.state.memory["options"] = options_of(first[-1], msg.channel) if first else []
        form = self.by_state(ctx.state.name)
        then = await self.run(replace(msg, text=parts[1]), ctx)
        prompt = form.prompt(ctx) if form and self.by_state(ctx.state.name) is form else None
        if prompt and asks_again(first, prompt) and asks_again(then, prompt):
            return [*first[:-1], *then[:-1], first[-1]]  # the form's question once, last, as it was first asked
        return [*first, *then]

    async def run(self, msg: IncomingMessage, ctx: HandlerContext) -> list[Reply]:
        """One message's handler; after an interruption the form's question is asked again, unless the replies
        already end with it (a form's own button, a registration started again) or with a question of their own
        ("Yakin menghapus data?": its yes must stay answerable)."""
        route, form = self.resolve(msg, ctx)
        ctx.args = route.args
        before = ctx.state.name
        replies = await route.handler(msg, ctx)
        if form and ctx.state.name == before and not asks_yes_or_no(replies):
            prompt = form.prompt(ctx)
            if not asks_again(replies, prompt):
                replies.append(prompt)
        return replies

    def two_answers(self, msg: IncomingMessage, ctx: HandlerContext) -> tuple[str, str] | None:
        """(the answer, the request after it) when a typed message answers the question asked and goes on with
        another request; None when it is one answer or one request."""
        if msg.payload or not msg.text:
            return None
        parts = answer_and_rest(msg.text[:MAX_TEXT])
        if parts is None:
            return None
        head, rest = (replace(msg, text=part) for part in parts)
        form = self.by_state(ctx.state.name)
        options = ctx.state.memory.get("options") or []
        if not (match_option(parts[0], options) or (form and form.looks_like_answer(head, ctx))):
            return None  # the first part answers nothing asked
        understanding = ctx.understanding
        ctx.understanding = nlu.understand(parts[1][:1000], today=ctx.today)
        try:
            if form and form.looks_like_answer(rest, ctx):
                return parts  # a question about the training being registered for
            route = self.by_context(rest, ctx)
            if route is None:
                u = ctx.understanding
                if u.intent == "unknown" or u.confidence < INTERRUPTION_CONFIDENCE:
                    return None  # a remark ("nggak, takut disalahgunakan"): the message is read whole
                route = self.by_intent(u.intent)
            return parts if route.handler is not self.fallback else None
        finally:
            ctx.understanding = understanding

    def resolve(self, msg: IncomingMessage, ctx: HandlerContext) -> tuple[Route, Form | None]:
        """The handler for `msg`, and the form to ask again afterwards when the message interrupted one."""
        router = self
        form = router.by_state(ctx.state.name)
        if msg.payload:
            route = router.by_payload(msg.payload)
            if route:
                return route, form
        text = (msg.text or "").strip()[:MAX_TEXT]
        if not text:
            if msg.contact and form:
                return Route(form.handle), None
            kind = "location" if msg.location else "media" if msg.media or msg.contact else "unknown"
            return router.by_intent(kind), form
        keyword = router.by_keyword(text)
        options = ctx.state.memory.get("options") or []
        if keyword and text.strip().strip(".!").casefold() not in router.absolute:
            prefixed = option_by_prefix(text, options)
            route = router.by_payload(prefixed) if prefixed else None
            if route:
                return route, form
        if keyword:
            return keyword, form
        command = router.by_command(text)
        if command:
            return command, form
        chosen = match_option(text, options)
        if chosen:
            route = router.by_payload(chosen)
            if route:
                return route, form
        earlier = option_by_exact_title(text, ctx.state.memory.get(EARLIER) or [])
        if earlier and not chosen:
            route = router.by_payload(earlier)
            if route:
                return route, form
        if chose_button_without_payload(text, options):
            # The number or title of a contact or link button: nothing else is chosen; a form asks again.
            if form:
                return Route(form.handle), None
            if router.fallback:
                return Route(router.fallback), None
        ctx.understanding = nlu.understand(text[:1000], today=ctx.today)
        code = nlu.find_training_code(text)
        if form:
            # A form being filled takes precedence over intent guessing, except for a clear other question.
            if form.looks_like_answer(msg, ctx):
                return Route(form.handle), None
            follow_up = router.by_context(msg, ctx)  # a question about what is being registered for
            if follow_up is not None:
                return follow_up, form
            understood = ctx.understanding
            if code and understood.intent in ("training_detail", "training_search", "unknown"):
                return Route(router.intents["training_code"], [code]), form
            if understood.intent != "unknown" and understood.confidence >= INTERRUPTION_CONFIDENCE:
                return router.by_intent(understood.intent), form
            return Route(form.handle), None
        follow_up = router.by_context(msg, ctx)
        if follow_up is not None:
            return follow_up, None
        if code:
            return Route(router.intents["training_code"], [code]), None
        return router.by_intent(ctx.understanding.intent), None
