"""A fake Telegram Bot API on 127.0.0.1: documented requests, responses, limits and errors, every call recorded."""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import logging
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp

logger = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024  # sendPhoto, sendDocument: caption of 0-1024 characters
MAX_PHOTO = 10 * 1024 * 1024  # "The photo must be at most 10 MB in size"
MAX_PHOTO_SIDES = 10_000  # "The photo's width and height must not exceed 10000 in total"
MAX_PHOTO_RATIO = 20  # "Width and height ratio must be at most 20"
MAX_UPLOAD = 50 * 1024 * 1024  # files bots upload by multipart: at most 50 MB
MAX_CALLBACK_DATA = 64
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


SHOWING = ("sendMessage", "sendPhoto", "sendDocument", "editMessageText")  # calls that show something in a chat


class ApiError(Exception):
    """A Bot API error response: {"ok": false, "error_code": ..., "description": ..., "parameters": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class Upload:
    """A file a bot uploaded in a multipart request (what the fake received of it)."""

    filename: str
    content_type: str
    content: bytes


@dataclass
class Call:
    """One request the fake received, with what it answered."""

    method: str
    params: dict[str, Any]
    status: int
    result: Any = None
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Failure:
    """A scripted error for the next `times` calls of `method` (to `chat_id`, when given)."""

    method: str
    code: int
    description: str
    parameters: dict[str, Any] | None = None
    chat_id: int | None = None
    times: int = 1
    skip: int = 0  # matching calls that succeed before this failure starts


class LocalServer:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port, inside the running event loop."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this; without it, Nagle and delayed ACKs add 40 ms to every answer.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", lifespan="auto", timeout_graceful_shutdown=2)
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve(sockets=[sock]))
        deadline = time.monotonic() + 5
        while not self._server.started:
            if self._task.done():
                self._task.result()
            if time.monotonic() > deadline:
                raise TimeoutError("local server did not start")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task


def _decode(value: Any) -> Any:
    """Form fields arrive as strings; objects and arrays as JSON text (python-telegram-bot sends them so)."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        return json.loads(value)
    return value


def _int(params: dict[str, Any], name: str, required: bool = True) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(400, f"Bad Request: parameter \"{name}\" is required")
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, f"Bad Request: invalid {name} specified") from None


def photo_size(content: bytes) -> tuple[int, int]:
    """Width and height of an uploaded photo; 400 IMAGE_PROCESS_FAILED when it is no image Telegram reads."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            return image.size
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED") from None


def _flag(value: Any) -> bool:
    return value is True or value in ("true", "True", "1")


class FakeBotApi:
    """Speaks the Bot API for one bot token at /bot<token>/<method>, as documented at core.telegram.org/bots/api."""

    def __init__(self, token: str, username: str = "kriya_test_bot") -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Kriya", "username": username}
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        self.blocked: set[int] = set()  # chats whose person blocked the bot (403)
        self.unimplemented: set[str] = set()  # methods answered with 404, like an older local server
        self.known_chats: set[int] = set()  # chats that wrote to the bot (others: "chat not found")
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}  # by language_code ("" = default)
        self.webhook: dict[str, Any] = {}
        self.updates: list[dict[str, Any]] = []  # waiting for getUpdates
        self.confirmed_offset = 0
        self.delay = 0.0  # seconds added to every answer (slow network)
        self.answer_delay = 0.0  # seconds between doing what a call asks and answering it (a late answer)
        self.late_methods = {"sendMessage", "editMessageText"}  # the calls answer_delay applies to
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(100_000)
        self._callback_ids = itertools.count(5_000_000)
        self.issued_callbacks: set[str] = set()
        self.answered_callbacks: list[str] = []
        self._news = asyncio.Event()
        self._closing = False
        self.server = LocalServer(Starlette(routes=[Route("/bot{token}/{method}", self._endpoint,
                                                            methods=["GET", "POST"])]))

    # --- running ---------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to: python-telegram-bot appends the token."""
        return f"{self.server.url}/bot"

    async def start(self) -> FakeBotApi:
        await self.server.start()
        return self

    async def stop(self) -> None:
        self._closing = True
        self._news.set()
        await self.server.stop()

    # --- scripting -------------------------------------------------------------------------------

    def fail(self, method: str, code: int, description: str, *, parameters: dict[str, Any] | None = None,
             chat_id: int | None = None, times: int = 1, skip: int = 0) -> None:
        self.failures.append(Failure(method, code, description, parameters, chat_id, times, skip))

    def rate_limit(self, method: str, retry_after: int, chat_id: int | None = None, skip: int = 0) -> None:
        self.fail(method, 429, f"Too Many Requests: retry after {retry_after}",
                  parameters={"retry_after": retry_after}, chat_id=chat_id, skip=skip)

    def forget_message(self, chat_id: int, message_id: int) -> None:
        """The message was deleted (editing it then fails with 'message to edit not found')."""
        self.messages.pop((chat_id, message_id), None)

    # --- inspection ------------------------------------------------------------------------------

    def calls_to(self, method: str, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or (c.status == 200) == ok)]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Parameters of the sendMessage calls that succeeded (to `chat_id`)."""
        return [c.params for c in self.calls_to("sendMessage", ok=True)
                if chat_id is None or int(c.params["chat_id"]) == chat_id]

    def files(self, chat_id: int | None = None, method: str = "sendPhoto") -> list[dict[str, Any]]:
        """Parameters of the sendPhoto (or sendDocument) calls that succeeded (to `chat_id`)."""
        return [c.params for c in self.calls_to(method, ok=True)
                if chat_id is None or int(c.params["chat_id"]) == chat_id]

    def shown(self, chat_id: int) -> list[dict[str, Any]]:
        """What the person saw, in order: messages, photos, documents and edits that succeeded."""
        return [c.params for c in self.calls if c.status == 200 and c.method in SHOWING
                and int(c.params.get("chat_id", 0)) == chat_id]

    def edits(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        return [c.params for c in self.calls_to("editMessageText", ok=True)
                if chat_id is None or int(c.params["chat_id"]) == chat_id]

    async def wait_until(self, condition: Callable[[], object], within: float = 5.0) -> None:
        """Poll `condition` until it is true; fail the test after `within` seconds."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met in {within} s; calls: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.005)

    # --- updates, as Telegram sends them ----------------------------------------------------------

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _update(self, payload: dict[str, Any]) -> dict[str, Any]:
        return {"update_id": next(self._update_ids), **payload}

    @staticmethod
    def _user(user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def message(self, chat_id: int, text: str | None = None, *, first_name: str = "Sari",
                language_code: str | None = "id", chat_type: str = "private", kind: str = "message",
                from_id: int | None = None, **content: Any) -> dict[str, Any]:
        """An update carrying a new message (`kind` may be edited_message, channel_post...)."""
        if chat_type == "private":
            self.known_chats.add(chat_id)
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = first_name
        else:
            chat["title"] = "Grup Perajin"
        message: dict[str, Any] = {"message_id": self._next_message_id(chat_id), "date": int(time.time()), "chat": chat}
        if kind != "channel_post":
            message["from"] = self._user(from_id or chat_id, first_name, language_code)
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        message.update(content)
        if kind == "edited_message":
            message["edit_date"] = int(time.time())
        return self._update({kind: message})

    def contact(self, chat_id: int, phone: str, *, user_id: int | None, first_name: str = "Sari",
                last_name: str | None = None) -> dict[str, Any]:
        card: dict[str, Any] = {"phone_number": phone, "first_name": first_name}
        if last_name:
            card["last_name"] = last_name
        if user_id is not None:
            card["user_id"] = user_id
        return self.message(chat_id, contact=card, first_name=first_name)

    def location(self, chat_id: int, latitude: float, longitude: float) -> dict[str, Any]:
        return self.message(chat_id, location={"latitude": latitude, "longitude": longitude})

    def photo(self, chat_id: int, caption: str | None = None) -> dict[str, Any]:
        sizes = [{"file_id": "AgAD-photo", "file_unique_id": "p1", "width": 90, "height": 90}]
        extra: dict[str, Any] = {"caption": caption} if caption else {}
        return self.message(chat_id, photo=sizes, **extra)

    def callback(self, chat_id: int, data: str, message_id: int, *, first_name: str = "Sari",
                 language_code: str | None = "id") -> dict[str, Any]:
        """A tap on an inline button of the bot's message `message_id`."""
        query_id = str(next(self._callback_ids))
        self.issued_callbacks.add(query_id)
        stored = self.messages.get((chat_id, message_id), {})
        message = {"message_id": message_id, "date": int(time.time()), "from": self.bot_user,
                   "chat": {"id": chat_id, "type": "private", "first_name": first_name},
                   "text": stored.get("text", "…")}
        if stored.get("reply_markup"):
            message["reply_markup"] = stored["reply_markup"]
        return self._update({"callback_query": {
            "id": query_id, "from": self._user(chat_id, first_name, language_code), "message": message,
            "chat_instance": f"ci{chat_id}", "data": data,
        }})

    def button(self, chat_id: int, title: str) -> tuple[int, dict[str, Any]]:
        """The newest bot message in the chat with an inline button whose text contains `title`."""
        for (chat, message_id), stored in sorted(self.messages.items(), reverse=True):
            if chat != chat_id or not stored.get("from_bot"):
                continue
            for row in (stored.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if title.casefold() in button["text"].casefold():
                        return message_id, button
        raise AssertionError(f"no inline button like {title!r} in chat {chat_id}")

    def tap(self, chat_id: int, title: str) -> dict[str, Any]:
        """The callback update of tapping the button like `title` on the newest message that has it."""
        message_id, button = self.button(chat_id, title)
        return self.callback(chat_id, button["callback_data"], message_id)

    def queue_update(self, update: dict[str, Any]) -> None:
        """Hold `update` for getUpdates (long polling)."""
        self.updates.append(update)
        self._news.set()

    # --- the API ---------------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            kind = request.headers.get("content-type", "")
            if kind.startswith("application/json"):
                params.update(await request.json())
            elif kind.startswith("multipart/form-data"):  # how files are uploaded ("Sending Files")
                if int(request.headers.get("content-length") or 0) > MAX_UPLOAD:
                    error = ApiError(413, "Request Entity Too Large")
                    self.calls.append(Call(request.path_params["method"], params, error.code, error.body()))
                    return JSONResponse(error.body(), status_code=error.code)
                async with request.form(max_part_size=MAX_UPLOAD) as form:
                    for name, value in form.multi_items():
                        if isinstance(value, str):
                            params[name] = value
                        else:
                            params[name] = Upload(value.filename or "", value.content_type or "", await value.read())
            else:
                params.update(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        params = {k: _decode(v) for k, v in params.items()}
        if self.delay:
            await asyncio.sleep(self.delay)
        try:
            if request.path_params["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            handler = getattr(self, f"api_{method}", None)
            if handler is None or method in self.unimplemented:
                raise ApiError(404, "Not Found")
            self._scripted(method, params)
            result = await handler(params)
        except ApiError as error:
            self.calls.append(Call(method, params, error.code, error.body()))
            return JSONResponse(error.body(), status_code=error.code)
        self.calls.append(Call(method, params, 200, result))
        if self.answer_delay and method in self.late_methods:
            await asyncio.sleep(self.answer_delay)  # done (a message is in the chat), the answer comes late
        return JSONResponse({"ok": True, "result": result})

    def _scripted(self, method: str, params: dict[str, Any]) -> None:
        for failure in self.failures:
            if failure.method != method or failure.times <= 0:
                continue
            if failure.chat_id is not None and str(params.get("chat_id")) != str(failure.chat_id):
                continue
            if failure.skip > 0:
                failure.skip -= 1
                continue
            failure.times -= 1
            raise ApiError(failure.code, failure.description, failure.parameters)

    def _chat(self, params: dict[str, Any]) -> int:
        chat_id = _int(params, "chat_id")
        assert chat_id is not None
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.known_chats:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    @staticmethod
    def _text(params: dict[str, Any]) -> str:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return text

    @staticmethod
    def _markup(params: dict[str, Any], inline_only: bool = False) -> dict[str, Any] | None:
        """Validate reply_markup as the Bot API describes its four kinds."""
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button: field \"inline_keyboard\" "
                                    "must be an Array of Arrays")
            for row in rows:
                for button in row:
                    if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                        raise ApiError(400, "Bad Request: can't parse inline keyboard button: Text buttons are "
                                            "unallowed in the inline keyboard")
                    actions = [k for k in ("callback_data", "url", "switch_inline_query", "web_app", "pay",
                                           "login_url", "copy_text") if k in button]
                    if len(actions) != 1:
                        raise ApiError(400, "Bad Request: can't parse inline keyboard button: exactly one "
                                            "optional field must be used")
                    if "callback_data" in button:
                        size = len(str(button["callback_data"]).encode())
                        if not 1 <= size <= MAX_CALLBACK_DATA:
                            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            return markup
        if inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not rows or not all(isinstance(r, list) and r for r in rows):
                raise ApiError(400, "Bad Request: can't parse keyboard: keyboard must be non-empty")
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text.strip():
                        raise ApiError(400, "Bad Request: can't parse keyboard button: text is empty")
            return markup
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return markup
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    def _store(self, chat_id: int, message_id: int, text: str, markup: dict[str, Any] | None) -> dict[str, Any]:
        inline = markup if markup and "inline_keyboard" in markup else None
        self.messages[(chat_id, message_id)] = {"text": text, "reply_markup": inline, "from_bot": True}
        result: dict[str, Any] = {"message_id": message_id, "from": self.bot_user, "date": int(time.time()),
                                  "chat": {"id": chat_id, "type": "private"}, "text": text}
        if inline:
            result["reply_markup"] = inline
        return result

    async def api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        text = self._text(params)
        markup = self._markup(params)
        return self._store(chat_id, self._next_message_id(chat_id), text, markup)

    @staticmethod
    def _caption(params: dict[str, Any]) -> str:
        caption = params.get("caption") or ""
        if not isinstance(caption, str) or len(caption) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        return caption

    @staticmethod
    def _upload(params: dict[str, Any], field: str) -> Upload:
        """The file uploaded as `field` (a file_id or URL string is not what Kriya sends: refused here)."""
        upload = params.get(field)
        if not isinstance(upload, Upload) or not upload.content:
            raise ApiError(400, f"Bad Request: there is no {field} in the request")
        return upload

    async def api_sendPhoto(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        upload = self._upload(params, "photo")
        caption = self._caption(params)
        markup = self._markup(params)
        if len(upload.content) > MAX_PHOTO:
            raise ApiError(400, "Bad Request: PHOTO_SAVE_FILE_INVALID")
        width, height = photo_size(upload.content)
        if width + height > MAX_PHOTO_SIDES or max(width, height) > MAX_PHOTO_RATIO * min(width, height):
            raise ApiError(400, "Bad Request: PHOTO_INVALID_DIMENSIONS")
        result = self._store(chat_id, self._next_message_id(chat_id), caption, markup)
        del result["text"]
        result["photo"] = [{"file_id": f"AgAD-{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}",
                            "width": width, "height": height, "file_size": len(upload.content)}]
        if caption:
            result["caption"] = caption
        return result

    async def api_sendDocument(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        upload = self._upload(params, "document")
        caption = self._caption(params)
        markup = self._markup(params)
        result = self._store(chat_id, self._next_message_id(chat_id), caption, markup)
        del result["text"]
        result["document"] = {"file_id": f"BQAD-{len(self.calls)}", "file_unique_id": f"d{len(self.calls)}",
                              "file_name": upload.filename, "mime_type": upload.content_type,
                              "file_size": len(upload.content)}
        if caption:
            result["caption"] = caption
        return result

    async def api_editMessageText(self, params: dict[str, Any]) -> Any:
        chat_id = self._chat(params)
        message_id = _int(params, "message_id")
        assert message_id is not None
        text = self._text(params)
        markup = self._markup(params, inline_only=True)
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not stored.get("from_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        if stored["text"] == text and stored.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        return self._store(chat_id, message_id, text, markup)

    async def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if query_id not in self.issued_callbacks or query_id in self.answered_callbacks:
            raise ApiError(400, QUERY_TOO_OLD)
        if len(str(params.get("text", ""))) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered_callbacks.append(query_id)
        return True

    async def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not COMMAND_RE.match(str(command.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise ApiError(400, "Bad Request: command description must be 1-256 characters")
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise ApiError(400, "Bad Request: invalid language code specified")
        self.commands[language] = commands
        return True

    async def api_setWebhook(self, params: dict[str, Any]) -> Any:
        secret = str(params.get("secret_token") or "")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": params.get("url", ""), "secret_token": secret}
        return True

    async def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        if _flag(params.get("drop_pending_updates")):
            self.updates.clear()
        return True

    async def api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False, "pending_update_count": 0}

    async def api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use "
                                "deleteWebhook to delete the webhook first")
        offset = _int(params, "offset", required=False)
        limit = _int(params, "limit", required=False) or 100
        timeout = float(params.get("timeout") or 0)
        if offset is not None and offset > 0:  # an update is confirmed by asking for a higher offset
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self.updates and not self._closing and time.monotonic() < deadline:
            self._news.clear()
            try:
                await asyncio.wait_for(self._news.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        return self.updates[: max(1, min(limit, 100))]
