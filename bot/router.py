"""Chooses the handler for a message: global words, button payloads, commands, form states, intents."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.context import HandlerContext
from bot.core import IncomingMessage, Reply
from bot.payloads import Spec, accepts, parse

logger = logging.getLogger(__name__)

Handler = Callable[[IncomingMessage, HandlerContext], Awaitable[list[Reply]]]


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


@dataclass
class Router:
    """Ordered tables of handlers; `resolve` picks one for a message."""

    payloads: dict[str, Handler] = field(default_factory=dict)
    payload_specs: dict[str, Spec] = field(default_factory=dict)  # what each route's arguments may be
    commands: dict[str, Handler] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)  # by state prefix before ':'
    intents: dict[str, Handler] = field(default_factory=dict)
    keywords: dict[str, Handler] = field(default_factory=dict)  # exact words that beat any state (STOP)
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

    def keyword(self, words: str, handler: Handler) -> None:
        for word in words.split():
            self.keywords[word.casefold()] = handler

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
