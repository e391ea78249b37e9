"""Replies as WhatsApp Cloud API messages: reply buttons, lists, numbered text, long text split, templates."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.channels.toolkit import numbered, split_tail, split_text
from bot.core import Button, Reply
from bot.i18n import _

logger = logging.getLogger(__name__)

# Limits of the Cloud API (messages endpoint): text, interactive reply buttons and list messages.
TEXT_MAX = 4096
INTERACTIVE_BODY_MAX = 1024
BUTTONS_MAX = 3
BUTTON_TITLE_MAX = 20
BUTTON_ID_MAX = 256
LIST_ROWS_MAX = 10
ROW_TITLE_MAX = 24
ROW_DESCRIPTION_MAX = 72
ROW_ID_MAX = 200
LIST_BUTTON_MAX = 20
SECTION_TITLE_MAX = 24
TEMPLATE_PARAM_MAX = 1024
CAPTION_MAX = 1024  # an image's or a document's caption
PAYLOAD_MAX = ROW_ID_MAX  # one bound for every option id, the stricter of buttons and list rows
# The id of the option a Button(kind="contact") becomes: choosing it shares the person's own WhatsApp number.
CONTACT_ID = "wa:contact"

class TemplateError(ValueError):
    """A template is configured in a way Kriya cannot fill (bad name, unknown parameter)."""


# --- text -----------------------------------------------------------------------------------------

def shorten(text: str, limit: int) -> str:
    """`text` on one line in at most `limit` characters, cut at a word and ended with an ellipsis if too long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if text[limit - 1] not in " ,.;:!?)" and space >= limit // 2:  # end at a whole word
        cut = cut[:space]
    return cut.rstrip(" ,.;:-–—·/(") + "…"


def one_line(text: str, limit: int = TEMPLATE_PARAM_MAX) -> str:
    """Text for a template parameter: no newlines or tabs, single spaces, lines joined with ' · ', shortened."""
    joined = ""
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if not joined:
            joined = line
        elif joined[-1] in ".:;,!?…":
            joined += " " + line
        else:
            joined += " · " + line
    return shorten(joined, limit) or "-"


# --- replies --------------------------------------------------------------------------------------

def _base(to: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}


def text_message(to: str, body: str, preview_url: bool = False) -> dict[str, Any]:
    return {**_base(to), "type": "text", "text": {"body": body, "preview_url": preview_url}}


def _interactive(to: str, interactive: dict[str, Any]) -> dict[str, Any]:
    return {**_base(to), "type": "interactive", "interactive": interactive}


def _unique(buttons: Sequence[Button]) -> list[Button]:
    seen: set[str] = set()
    unique = []
    for button in buttons:
        if button.payload not in seen:
            seen.add(button.payload)
            unique.append(button)
    return unique


def _button_titles(options: Sequence[Button]) -> list[str] | None:
    """Titles for reply buttons, or None when one would need cutting or two would look alike."""
    titles = [" ".join(b.title.split()) for b in options]
    if any(not t or len(t) > BUTTON_TITLE_MAX for t in titles):
        return None
    if len({t.casefold() for t in titles}) != len(titles):
        return None
    return titles


def _row(button: Button, number: int) -> dict[str, Any]:
    full = " ".join(button.title.split()) or str(number)
    title = shorten(full, ROW_TITLE_MAX)
    description = " ".join((button.description or "").split())
    if title != full:  # the whole title goes under the cut one, with the description after it
        description = f"{full} · {description}" if description else full
    row: dict[str, Any] = {"id": button.payload, "title": title}
    if description:
        row["description"] = shorten(description, ROW_DESCRIPTION_MAX)
    return row


def _with_interactive(to: str, text: str, make: Callable[[str], dict[str, Any]]) -> list[dict[str, Any]]:
    """Plain text chunks first, then the interactive message whose body is the ending of the text."""
    head, tail = split_tail(text, INTERACTIVE_BODY_MAX)
    if not tail.strip():
        tail = _("Silakan pilih:")
    return [text_message(to, chunk) for chunk in split_text(head, TEXT_MAX)] + [make(tail)]


def render_reply(reply: Reply, to: str) -> list[dict[str, Any]]:
    """The messages that show `reply` on WhatsApp, in order (translated hints use the current language).

    Options (payload buttons) go as up to 3 reply buttons when their titles fit, as a list of up to 10
    rows otherwise, and as numbered text beyond 10 (the person types the number, as the dispatcher
    expects). A contact button becomes an option that shares the person's own number; a location button
    becomes WhatsApp's "send location" request, or a hint when other options are shown; links go in the text.
    """
    options = [b for b in reply.buttons if b.kind == "payload"]
    contact = next((b for b in reply.buttons if b.kind == "contact"), None)
    location = any(b.kind == "location" for b in reply.buttons)
    links = [b for b in reply.buttons if b.kind == "url"]
    lines = [reply.text.strip()] if reply.text.strip() else []
    if links:
        lines.append("\n".join(f"{b.title}: {b.payload}" for b in links))
    choices = _unique([  # in the handler's order; the first contact button shares the person's own number
        b if b.kind == "payload" else Button(b.title or _("Kirim nomor saya"), CONTACT_ID)
        for b in reply.buttons if b.kind == "payload" or b is contact
    ])
    if location and choices:
        lines.append(_("Untuk berbagi lokasi: ketuk 📎 (lampiran), lalu pilih Lokasi."))
    text = "\n\n".join(lines)

    if not choices:
        if location:
            return _with_interactive(to, text, lambda body: _interactive(
                to, {"type": "location_request_message", "body": {"text": body}, "action": {"name": "send_location"}}
            ))
        return [text_message(to, chunk, preview_url=bool(links)) for chunk in split_text(text, TEXT_MAX)]

    fits = len(choices) <= LIST_ROWS_MAX and all(0 < len(b.payload) <= PAYLOAD_MAX for b in choices)
    fits = fits and all(b.payload == b.payload.strip() for b in choices)
    if fits:
        titles = _button_titles(choices) if len(choices) <= BUTTONS_MAX else None
        if titles is not None:
            buttons = [{"type": "reply", "reply": {"id": b.payload, "title": t}} for b, t in zip(choices, titles, strict=True)]
            return _with_interactive(to, text, lambda body: _interactive(
                to, {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
            ))
        rows = [_row(b, number) for number, b in enumerate(choices, 1)]
        label = shorten(_("Lihat pilihan"), LIST_BUTTON_MAX)
        return _with_interactive(to, text, lambda body: _interactive(
            to, {"type": "list", "body": {"text": body}, "action": {"button": label, "sections": [{"rows": rows}]}}
        ))

    # Too many options: numbered text, numbered like the dispatcher numbers the payload buttons.
    parts = [*lines, numbered(" ".join(b.title.split()) for b in options), _("Balas dengan nomor pilihan Anda.")]
    if contact is not None:
        parts.append(_("Untuk mengirim nomor Anda: ketuk 📎 (lampiran), lalu pilih Kontak."))
    return [text_message(to, chunk) for chunk in split_text("\n\n".join(parts), TEXT_MAX)]


# --- media ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MediaMessage:
    """An image or document message whose media id comes from the upload made just before it is sent."""

    kind: str  # image, document
    payload: dict[str, Any]

    def with_id(self, media_id: str) -> dict[str, Any]:
        return {**self.payload, self.kind: {"id": media_id, **self.payload[self.kind]}}


def render_media(reply: Reply, to: str, kind: str, filename: str) -> list[MediaMessage | dict[str, Any]]:
    """The file with the text as its caption when it fits, then the reply's options (an interactive message
    cannot carry an uploaded file: the options follow the file), else the text too."""
    text = reply.text.strip()
    fits = len(text) <= CAPTION_MAX
    media: dict[str, Any] = {"caption": text} if text and fits else {}
    if kind == "document":
        media["filename"] = filename
    first = MediaMessage(kind, {**_base(to), "type": kind, kind: media})
    if fits and not reply.buttons:
        return [first]
    return [first, *render_reply(Reply("" if fits else reply.text, reply.buttons), to)]


# --- templates ------------------------------------------------------------------------------------

def template_language(config: dict[str, Any], language: str) -> str:
    """The template's language code for the person's language ('id' when it has no such translation)."""
    languages = config.get("language")
    if isinstance(languages, str) and languages.strip():
        return languages.strip()
    if isinstance(languages, dict) and languages:
        for key in (language, "id"):
            value = languages.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        first = next(iter(languages.values()))
        if isinstance(first, str) and first.strip():
            return first.strip()
    return language or "id"


def template_value(name: str, reply: Reply, body: dict[str, Any]) -> str:
    """One body parameter of a template, by the name the WHATSAPP_TEMPLATES configuration gives it."""
    lines = [line for line in reply.text.splitlines() if line.strip()]
    if name == "text":
        return one_line(reply.text)
    if name == "first_line":
        return one_line(lines[0] if lines else "")
    if name == "rest":
        return one_line("\n".join(lines[1:]))
    values = body.get("template_params")
    if isinstance(values, dict) and values.get(name) is not None:
        return one_line(str(values[name]))
    raise TemplateError(f"no value for template parameter '{name}'")


TEMPLATE_HEADERS = ("document", "image")  # a template's media header: the message's own file, uploaded


def template_header(config: dict[str, Any]) -> str | None:
    """The kind of media header the template has ("document" for the certificate's PDF), or None."""
    header = config.get("header")
    return header if header in TEMPLATE_HEADERS else None


def template_message(to: str, config: dict[str, Any], reply: Reply, body: dict[str, Any], language: str,
                     media: tuple[str, str] | None = None) -> dict[str, Any]:
    """A template message for `reply` with the configured name, language and body parameters.

    `config` is one entry of WHATSAPP_TEMPLATES: {"name": "kriya_reminder", "language": {"id": "id",
    "en": "en"}, "params": ["text"], "quick_replies": 0}. Each name in "params" fills {{1}}, {{2}}, ... in
    order: "text" (the whole message on one line), "first_line", "rest", or a key of body["template_params"].
    "quick_replies": n passes the payloads of the first n options to the template's quick-reply buttons.
    "header": "document" (or "image") fills the template's media header with `media` (an uploaded media id and
    the file's name): the certificate's PDF reaches the person outside the window too.
    """
    name = config.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,512}", name):
        raise TemplateError(f"template name {name!r} is not lowercase letters, digits and underscores")
    params = config.get("params", ["text"])
    if not isinstance(params, list) or not all(isinstance(p, str) for p in params):
        raise TemplateError("template 'params' must be a list of names")
    components: list[dict[str, Any]] = []
    header = config.get("header")
    if header is not None:
        if template_header(config) is None or media is None:
            raise TemplateError(f"template header {header!r} needs the message's own document or image")
        media_id, filename = media
        shown = {"id": media_id, **({"filename": filename} if header == "document" else {})}
        components.append({"type": "header", "parameters": [{"type": header, header: shown}]})
    if params:
        values = [template_value(p, reply, body) for p in params]
        components.append({"type": "body", "parameters": [{"type": "text", "text": v} for v in values]})
    quick = config.get("quick_replies", 0)
    options = [b for b in reply.buttons if b.kind == "payload" and 0 < len(b.payload) <= BUTTON_ID_MAX]
    for index, button in enumerate(options[: quick if isinstance(quick, int) else 0]):
        components.append({
            "type": "button", "sub_type": "quick_reply", "index": str(index),
            "parameters": [{"type": "payload", "payload": button.payload}],
        })
    template: dict[str, Any] = {"name": name, "language": {"code": template_language(config, language)}}
    if components:
        template["components"] = components
    return {**_base(to), "type": "template", "template": template}
