"""A fake WhatsApp Cloud API (Graph) server on 127.0.0.1: checks every message against the documented limits."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
import socket
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VERSION = "v21.0"
WINDOW = timedelta(hours=24)  # the customer service window: free-form messages only this long after the last inbound


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def graph_error(code: int, message: str, details: str) -> dict[str, Any]:
    """The documented Graph API error body."""
    return {
        "error": {
            "message": f"(#{code}) {message}", "type": "OAuthException", "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details},
            "fbtrace_id": base64.urlsafe_b64encode(uuid.uuid4().bytes)[:23].decode(),
        }
    }


ERRORS: dict[int, dict[str, Any]] = {
    131053: graph_error(131053, "Media upload error", "Unable to upload the media used in the message."),
    130429: fixture("send_error_130429.json"),
    131047: fixture("send_error_131047_CONSTRUCTED.json"),
    131056: graph_error(131056, "(Business Account, Consumer Account) pair rate limit hit",
                        "Too many messages sent from the sender phone number to the same recipient phone number "
                        "in a short period of time."),
    131026: graph_error(131026, "Message Undeliverable", "Unable to deliver message."),
    131000: graph_error(131000, "Something went wrong", "Message failed to send due to an unknown error."),
}


# Supported media types and their size limits (Cloud API, "Supported media types"): what an upload may be.
MEDIA_TYPES: dict[str, tuple[str, int]] = {
    "image/jpeg": ("image", 5 * 1024 * 1024),
    "image/png": ("image", 5 * 1024 * 1024),
    "application/pdf": ("document", 100 * 1024 * 1024),
    "text/plain": ("document", 100 * 1024 * 1024),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("document", 100 * 1024 * 1024),
}
MEDIA_UPLOAD_ERROR = 131053
CAPTION_MAX = 1024
MEDIA_FIELDS = {"image": {"id", "link", "caption"}, "document": {"id", "link", "caption", "filename"}}


def _text(value: Any, low: int, high: int) -> bool:
    return isinstance(value, str) and low <= len(value) <= high


def _keys(where: str, value: dict[str, Any], allowed: set[str], problems: list[str]) -> None:
    extra = set(value) - allowed
    if extra:
        problems.append(f"{where}: unexpected fields {sorted(extra)}")


def check_interactive(interactive: Any, problems: list[str]) -> None:
    if not isinstance(interactive, dict):
        problems.append("interactive: not an object")
        return
    kind = interactive.get("type")
    _keys("interactive", interactive, {"type", "header", "body", "footer", "action"}, problems)
    body = interactive.get("body")
    if not isinstance(body, dict) or not _text(body.get("text"), 1, 1024):
        problems.append(f"interactive.body.text must be 1-1024 characters (got {len(str(body))})")
    for part in ("header", "footer"):
        if part in interactive and not _text((interactive[part] or {}).get("text"), 1, 60):
            problems.append(f"interactive.{part}.text must be 1-60 characters")
    action = interactive.get("action")
    if not isinstance(action, dict):
        problems.append("interactive.action missing")
        return
    if kind == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
            problems.append("action.buttons: 1 to 3 reply buttons")
            return
        ids, titles = [], []
        for button in buttons:
            reply = button.get("reply") if isinstance(button, dict) else None
            if button.get("type") != "reply" or not isinstance(reply, dict):
                problems.append("button: type must be reply with a reply object")
                continue
            if not _text(reply.get("id"), 1, 256) or reply["id"] != reply["id"].strip():
                problems.append(f"button id must be 1-256 characters without outer spaces: {reply.get('id')!r}")
            if not _text(reply.get("title"), 1, 20):
                problems.append(f"button title must be 1-20 characters: {reply.get('title')!r}")
            ids.append(reply.get("id"))
            titles.append(str(reply.get("title")).casefold())
        if len(set(ids)) != len(ids) or len(set(titles)) != len(titles):
            problems.append("button ids and titles must be unique")
    elif kind == "list":
        _keys("list action", action, {"button", "sections"}, problems)
        if not _text(action.get("button"), 1, 20):
            problems.append(f"list button text must be 1-20 characters: {action.get('button')!r}")
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
            problems.append("list: 1 to 10 sections")
            return
        ids, total = [], 0
        for section in sections:
            if len(sections) > 1 and not section.get("title"):
                problems.append("list: every section needs a title when there are several")
            if "title" in section and not _text(section["title"], 1, 24):
                problems.append(f"section title must be 1-24 characters: {section['title']!r}")
            for row in section.get("rows") or []:
                total += 1
                _keys("row", row, {"id", "title", "description"}, problems)
                if not _text(row.get("id"), 1, 200):
                    problems.append(f"row id must be 1-200 characters: {row.get('id')!r}")
                if not _text(row.get("title"), 1, 24):
                    problems.append(f"row title must be 1-24 characters: {row.get('title')!r}")
                if "description" in row and not _text(row["description"], 1, 72):
                    problems.append(f"row description must be 1-72 characters: {row['description']!r}")
                ids.append(row.get("id"))
        if not 1 <= total <= 10:
            problems.append(f"list: 1 to 10 rows in all (got {total})")
        if len(set(ids)) != len(ids):
            problems.append("row ids must be unique")
    elif kind == "location_request_message":
        if action != {"name": "send_location"}:
            problems.append("location request: action must be {'name': 'send_location'}")
    else:
        problems.append(f"interactive type {kind!r} is not supported here")


def check_template(template: Any, problems: list[str]) -> None:
    if not isinstance(template, dict):
        problems.append("template: not an object")
        return
    _keys("template", template, {"name", "language", "components"}, problems)
    if not _text(template.get("name"), 1, 512) or not re.fullmatch(r"[a-z0-9_]+", template["name"]):
        problems.append(f"template name: {template.get('name')!r}")
    language = template.get("language")
    if not isinstance(language, dict) or not _text(language.get("code"), 2, 10):
        problems.append("template.language.code missing")
    for component in template.get("components") or []:
        if component.get("type") == "body":
            for parameter in component.get("parameters") or []:
                text = parameter.get("text")
                if parameter.get("type") != "text" or not _text(text, 1, 1024):
                    problems.append(f"template body parameter must be non-empty text: {parameter!r}"[:200])
                elif "\n" in text or "\t" in text or "     " in text:
                    problems.append("template parameter has a newline, a tab or more than 4 spaces in a row")
        elif component.get("type") == "header":
            [parameter] = component.get("parameters") or [{}]
            kind = parameter.get("type")
            if kind not in ("document", "image"):
                problems.append(f"template header parameter {kind!r}: a document or image expected")
            else:
                check_media(kind, parameter.get(kind), problems)
        elif component.get("type") == "button":
            if component.get("sub_type") != "quick_reply" or not str(component.get("index", "")).isdigit():
                problems.append("template button: quick_reply with a numeric index")
        else:
            problems.append(f"template component {component.get('type')!r} not expected")


def check_media(kind: str, media: Any, problems: list[str]) -> None:
    """An image or document object: exactly one of an uploaded media id and a link, a caption of 1024 at most."""
    if not isinstance(media, dict):
        problems.append(f"{kind}: not an object")
        return
    _keys(kind, media, MEDIA_FIELDS[kind], problems)
    if ("id" in media) == ("link" in media):
        problems.append(f"{kind}: exactly one of id and link")
    if "caption" in media and not _text(media["caption"], 1, CAPTION_MAX):
        problems.append(f"{kind}.caption must be 1-{CAPTION_MAX} characters (got {len(str(media['caption']))})")
    if "filename" in media and not _text(media["filename"], 1, 240):
        problems.append(f"{kind}.filename must be 1-240 characters")


def check_message(payload: Any) -> list[str]:
    """Every way `payload` breaks the documented messages endpoint format and limits."""
    problems: list[str] = []
    if not isinstance(payload, dict):
        return ["body is not a JSON object"]
    _keys("message", payload, {"messaging_product", "recipient_type", "to", "type", "text", "interactive",
                               "template", "context", "image", "document"}, problems)
    if payload.get("messaging_product") != "whatsapp":
        problems.append("messaging_product must be whatsapp")
    if payload.get("recipient_type", "individual") != "individual":
        problems.append("recipient_type must be individual")
    if not isinstance(payload.get("to"), str) or not re.fullmatch(r"\+?\d{5,20}", payload["to"]):
        problems.append(f"to: {payload.get('to')!r}")
    kind = payload.get("type", "text")
    if kind not in ("text", "interactive", "template", "image", "document"):
        problems.append(f"type {kind!r} not expected from Kriya")
    elif kind not in payload:
        problems.append(f"no {kind} object")
    if kind == "text":
        text = payload.get("text")
        if not isinstance(text, dict) or not _text(text.get("body"), 1, 4096):
            problems.append(f"text.body must be 1-4096 characters (got {len(str((text or {}).get('body')))})")
        else:
            _keys("text", text, {"body", "preview_url"}, problems)
            if text["body"] != text["body"].strip("\n") or not text["body"].strip():
                problems.append("text.body starts or ends with blank lines")
    elif kind == "interactive":
        check_interactive(payload.get("interactive"), problems)
    elif kind == "template":
        check_template(payload.get("template"), problems)
    elif kind in MEDIA_FIELDS:
        check_media(kind, payload.get(kind), problems)
    return problems


@dataclass
class Sent:
    payload: dict[str, Any]
    id: str
    at: float

    @property
    def to(self) -> str:
        return str(self.payload.get("to"))

    @property
    def type(self) -> str:
        kind = str(self.payload.get("type"))
        return f"interactive:{self.payload['interactive']['type']}" if kind == "interactive" else kind

    @property
    def body(self) -> str:
        if self.payload.get("type") == "text":
            return str(self.payload["text"]["body"])
        if self.payload.get("type") == "interactive":
            return str(self.payload["interactive"]["body"]["text"])
        if self.payload.get("type") in MEDIA_FIELDS:
            return str(self.payload[self.payload["type"]].get("caption", ""))
        return ""

    @property
    def media_id(self) -> str | None:
        kind = self.payload.get("type")
        return self.payload[kind].get("id") if kind in MEDIA_FIELDS else None

    @property
    def options(self) -> list[tuple[str, str]]:
        """(id, title) of the buttons or list rows."""
        if self.payload.get("type") != "interactive":
            return []
        action = self.payload["interactive"]["action"]
        if "buttons" in action:
            return [(b["reply"]["id"], b["reply"]["title"]) for b in action["buttons"]]
        return [(r["id"], r["title"]) for s in action.get("sections", []) for r in s["rows"]]


@dataclass(frozen=True)
class Uploaded:
    """A file uploaded to the media endpoint."""

    content: bytes
    media_type: str
    filename: str


@dataclass
class FakeGraph:
    """The messages endpoint of the Graph API as Kriya uses it, with scripted errors and closed windows."""

    token: str = "test-token"
    phone_number_id: str = "1122334455667"
    templates: dict[str, int] = field(default_factory=dict)  # approved template name -> body parameter count
    sent: list[Sent] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    requests: int = 0
    closed_windows: set[str] = field(default_factory=set)  # recipients whose 24-hour window is closed
    # With a clock, the window as Meta keeps it: free-form text to someone who last wrote 24 hours ago or more is
    # refused with 131047 (people the fake never heard from are not checked: tests seed them directly).
    clock: Callable[[], datetime] | None = None
    last_inbound: dict[str, datetime] = field(default_factory=dict)
    template_buttons: dict[str, int] = field(default_factory=dict)  # approved template name -> quick-reply buttons
    template_headers: dict[str, str] = field(default_factory=dict)  # approved template name -> its media header
    _scripted: deque[list[Any]] = field(default_factory=deque)
    base_url: str = ""
    on_sent: Callable[[Sent], None] | None = None  # called for every accepted message (benchmarks)
    media: dict[str, Uploaded] = field(default_factory=dict)  # uploads by media id
    uploads: int = 0  # upload requests, accepted or not
    _upload_failures: deque[tuple[int, int]] = field(default_factory=deque)
    answer_delay: float = 0.0  # seconds between accepting a message and answering (a late answer)

    def fail_next(self, code: int, status: int = 400, times: int = 1, retry_after: str | None = None,
                  after: int = 0) -> None:
        """The next `times` messages (after letting `after` through) get this documented error instead."""
        headers = {"Retry-After": retry_after} if retry_after else {}
        for number in range(times):
            self._scripted.append([after if number == 0 else 0, code, status, headers])

    def fail_uploads(self, code: int, status: int = 400, times: int = 1) -> None:
        """The next `times` uploads get this documented error (131000 something went wrong, 131053 refused...)."""
        for _number in range(times):
            self._upload_failures.append((code, status))

    def media_of(self, sent: Sent) -> Uploaded:
        """The uploaded file an image or document message showed."""
        assert sent.media_id is not None, sent.payload
        return self.media[sent.media_id]

    def heard_from(self, user: str) -> None:
        """The person wrote to the business: their 24-hour window opens (again) now."""
        if self.clock is not None:
            self.last_inbound[user.lstrip("+")] = self.clock()

    def window_closed(self, recipient: str) -> bool:
        """Whether Meta would refuse free-form text to `recipient` now (131047)."""
        if recipient in self.closed_windows:
            return True
        last = self.last_inbound.get(recipient.lstrip("+"))
        return self.clock is not None and last is not None and self.clock() - last >= WINDOW

    def to(self, recipient: str) -> list[Sent]:
        return [s for s in self.sent if s.to == recipient]

    async def wait_for(self, count: int, recipient: str | None = None, within: float = 10.0) -> list[Sent]:
        """Wait until `count` messages were accepted (for `recipient` when given); returns them."""
        deadline = time.monotonic() + within
        while True:
            found = self.to(recipient) if recipient else self.sent
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} messages arrived, {count} expected: {[s.body[:60] for s in found]}")
            await asyncio.sleep(0.005)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{version}/{phone_number_id}/messages", self._messages, methods=["POST"]),
                                 Route("/{version}/{phone_number_id}/media", self._upload, methods=["POST"])])

    def _refused(self, request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse(graph_error(190, "Error validating access token", "Invalid OAuth access token."),
                                status_code=401)
        if request.path_params["phone_number_id"] != self.phone_number_id:
            return JSONResponse(graph_error(100, "Invalid parameter", "Unsupported post request."), status_code=400)
        return None

    async def _upload(self, request: Request) -> JSONResponse:
        """POST /{phone-number-id}/media: multipart with file, type and messaging_product; answers {"id": ...}."""
        self.uploads += 1
        refused = self._refused(request)
        if refused is not None:
            return refused
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            self.violations.append("media upload is not multipart/form-data")
            return JSONResponse(graph_error(100, "Invalid parameter", "multipart/form-data expected"), status_code=400)
        async with request.form(max_part_size=200 * 1024 * 1024) as form:
            product, kind, upload = form.get("messaging_product"), form.get("type"), form.get("file")
            content = await upload.read() if upload is not None and not isinstance(upload, str) else b""
            filename = (upload.filename or "") if upload is not None and not isinstance(upload, str) else ""
        problems = []
        if product != "whatsapp":
            problems.append("messaging_product must be whatsapp")
        if not content:
            problems.append("file is required")
        if not isinstance(kind, str) or not kind:
            problems.append("type is required")
        if problems:
            self.violations.extend(problems)
            return JSONResponse(graph_error(100, "Invalid parameter", "; ".join(problems)), status_code=400)
        if self._upload_failures:
            code, status = self._upload_failures.popleft()
            return JSONResponse(ERRORS.get(code) or graph_error(code, "Error", "scripted"), status_code=status)
        assert isinstance(kind, str)
        limit = MEDIA_TYPES.get(kind)
        if limit is None or len(content) > limit[1]:
            why = f"unsupported media type {kind}" if limit is None else f"{len(content)} bytes is over {limit[1]}"
            return JSONResponse(graph_error(MEDIA_UPLOAD_ERROR, "Media upload error", why), status_code=400)
        media_id = str(10**15 + len(self.media) + 1)
        self.media[media_id] = Uploaded(content, kind, filename)
        return JSONResponse({"id": media_id})

    async def _messages(self, request: Request) -> JSONResponse:
        self.requests += 1
        refused = self._refused(request)
        if refused is not None:
            return refused
        try:
            payload = json.loads(await request.body())
        except ValueError:
            self.violations.append("body is not JSON")
            return JSONResponse(graph_error(100, "Invalid parameter", "body is not JSON"), status_code=400)
        problems = check_message(payload)
        kind = payload.get("type") if isinstance(payload, dict) else None
        if kind in MEDIA_FIELDS and not problems:
            media_id = payload[kind].get("id")
            uploaded = self.media.get(media_id) if media_id else None
            if media_id and uploaded is None:
                problems.append(f"{kind}.id {media_id} was never uploaded")
            elif uploaded is not None and MEDIA_TYPES[uploaded.media_type][0] != kind:
                problems.append(f"a {uploaded.media_type} upload sent as {kind}")
        if kind == "template" and not problems:
            for component in payload["template"].get("components") or []:
                if component.get("type") == "header":
                    shown = component["parameters"][0]
                    media_id = shown[shown["type"]].get("id")
                    if media_id and media_id not in self.media:
                        problems.append(f"template header {shown['type']}.id {media_id} was never uploaded")
        if problems:
            self.violations.extend(problems)
            logger.warning("fake graph rejected %s: %s", str(payload)[:300], problems)
            return JSONResponse(graph_error(100, "Invalid parameter", "; ".join(problems)), status_code=400)
        if self._scripted and self._scripted[0][0] > 0:
            self._scripted[0][0] -= 1
        elif self._scripted:
            _after, code, status, headers = self._scripted.popleft()
            return JSONResponse(ERRORS.get(code) or graph_error(code, "Error", "scripted"), status_code=status,
                                headers=headers)
        if payload.get("type") == "template":
            name = payload["template"]["name"]
            if name not in self.templates:
                return JSONResponse(graph_error(132001, "Template name does not exist in the translation",
                                                f"template name ({name}) does not exist"), status_code=404)
            params = [p for c in payload["template"].get("components", []) if c["type"] == "body"
                      for p in c["parameters"]]
            buttons = [c for c in payload["template"].get("components", []) if c["type"] == "button"]
            headers = [c["parameters"][0]["type"] for c in payload["template"].get("components", [])
                       if c["type"] == "header"]
            if headers != ([self.template_headers[name]] if name in self.template_headers else []):
                return JSONResponse(graph_error(132012, "Parameter format does not match format in the created "
                                                "template", "header: format mismatch"), status_code=400)
            if len(params) != self.templates[name] or len(buttons) > self.template_buttons.get(name, len(buttons)):
                return JSONResponse(graph_error(132000, "Number of parameters does not match the expected number "
                                                "of params", "body: number of localizable_params mismatch"),
                                    status_code=400)
        elif self.window_closed(payload["to"]):
            return JSONResponse(ERRORS[131047], status_code=400)
        message_id = "wamid." + base64.b64encode(uuid.uuid4().bytes + b"\x00kriya").decode()
        sent = Sent(payload, message_id, time.monotonic())
        self.sent.append(sent)
        if self.on_sent is not None:
            self.on_sent(sent)
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)  # accepted (it will reach the phone), the answer comes late
        answer = fixture("send_response_ok.json")
        answer["contacts"] = [{"input": payload["to"], "wa_id": payload["to"].lstrip("+")}]
        answer["messages"] = [{"id": message_id, "message_status": "accepted"}]
        return JSONResponse(answer)


@asynccontextmanager
async def serve(app: ASGIApp) -> AsyncIterator[str]:
    """Run an ASGI app with uvicorn on a free 127.0.0.1 port of this event loop; yields its base URL."""
    # proto=IPPROTO_TCP, as uvicorn's own sockets: asyncio then sets TCP_NODELAY on each connection (else a
    # response written in two parts waits ~40 ms for the client's delayed ACK)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on"))
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]  # the caller owns signals
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("uvicorn stopped before it started")
            await asyncio.sleep(0.005)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()
