"""What every channel needs besides its parser, renderer and error map: a webhook body read within bounds,
a bounded memory of recent ids, background tasks, an inbox (a message seen lately dropped, a new one
dispatched, its replies delivered after that person's earlier ones), the parts of a long message already
sent, text split where a reader would, and options as numbered lines."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import weakref
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from starlette.requests import ClientDisconnect, Request

from bot.core import IncomingMessage
from bot.delivery import DeliveryError, Outgoing
from bot.logs import ref

logger = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
P = TypeVar("P")


# --- webhooks -------------------------------------------------------------------------------------

class WebhookRejected(Exception):
    """A request the webhook refuses, with the HTTP status to answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused (413) past `limit` bytes, by its Content-Length and by what actually arrives."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise WebhookRejected(400, "bad Content-Length")
        if int(declared) > limit:
            raise WebhookRejected(413, f"body of {declared} bytes is over {limit}")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise WebhookRejected(413, f"body is over {limit} bytes")
    except ClientDisconnect:
        raise WebhookRejected(400, "the client went away before the body arrived") from None
    return bytes(body)


def load_json(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, or 400."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly deep nesting
        raise WebhookRejected(400, f"not JSON: {error}"[:200]) from None
    if not isinstance(payload, dict):
        raise WebhookRejected(400, "not a JSON object")
    return payload


# --- recent ids -----------------------------------------------------------------------------------

class Recent(Generic[K]):
    """The last `size` keys seen (each with a value), the least recently seen forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, Any] = OrderedDict()

    def add(self, key: K, value: Any = None) -> bool:
        """Remember `key` (with `value`); False when it was known already."""
        new = key not in self._items
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return new

    def get(self, key: K) -> Any:
        return self._items.get(key)

    def pop(self, key: K) -> Any:
        return self._items.pop(key, None)

    def clear(self) -> None:
        self._items.clear()

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


# --- background work ------------------------------------------------------------------------------

class Background:
    """A channel's background tasks: started by name, failures logged, waited for at stop; the tasks of one
    person started with `in_order` run one after another, in the order they were started."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self._tasks: set[asyncio.Task[None]] = set()
        self._turns: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def spawn(self, coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def in_order(self, person: str, work: Awaitable[None], name: str) -> asyncio.Task[None]:
        """Run `work` in the background once this person's earlier work has finished."""
        lock = self._turns.get(person)
        if lock is None:
            lock = self._turns[person] = asyncio.Lock()
        return self.spawn(self._in_turn(lock, work), name)

    @staticmethod
    async def _in_turn(lock: asyncio.Lock, work: Awaitable[None]) -> None:
        try:
            async with lock:
                await work
        finally:
            if isinstance(work, Coroutine):
                work.close()  # cancelled while waiting its turn: never started, not "never awaited"

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("%s: background task %s failed", self.channel, task.get_name(), exc_info=task.exception())

    async def drain(self) -> None:
        """Wait until the tasks started so far, and those they start, have finished."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def stop(self, grace: float) -> None:
        """Give the tasks under way `grace` seconds, then cancel the rest (their outbox rows stay claimed and
        are taken over after the lease)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self.drain()
        late = list(self._tasks)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)


class Dispatch(Protocol):
    """The dispatcher as a channel sees it (raises MessageNotStored when the message could not be recorded)."""

    async def handle_queued(self, msg: IncomingMessage) -> list[Outgoing]: ...


class Inbox:
    """A channel's way in: a message seen lately is dropped; a new one goes to the dispatcher, is remembered
    once stored (with its reply rows), and its replies are delivered in the background, after that person's
    earlier replies, by `deliver` (the outbox's)."""

    def __init__(self, channel: str, dispatcher: Dispatch, deliver: Callable[[Sequence[Outgoing]], Awaitable[None]],
                 size: int) -> None:
        self.channel = channel
        self.dispatcher = dispatcher
        self.deliver = deliver
        self.seen: Recent[Hashable] = Recent(size)
        self.background = Background(channel)

    async def take(self, message: IncomingMessage, key: Hashable | None = None) -> None:
        """Handle `message` unless `key` (its message id by default) was seen; raises MessageNotStored, and then
        the message is not remembered: the platform delivers it again."""
        key = message.message_id if key is None else key
        if key in self.seen:
            logger.info("%s: message %s again, dropped", self.channel, ref(str(key)))
            return
        items = await self.dispatcher.handle_queued(message)
        self.seen.add(key)
        if items:
            name = f"{self.channel}-deliver-{ref(message.user_id)}"
            self.background.in_order(message.user_id, self.deliver(items), name)


# --- long messages --------------------------------------------------------------------------------

class SentParts:
    """The parts of a message already sent, by outbox id, kept when a send stops at an error so that the
    outbox's retry of the row sends only the rest."""

    def __init__(self, size: int = 1024) -> None:
        self._sent: Recent[int] = Recent(size)

    async def send(
        self, outbox_id: int, parts: Sequence[P], send_one: Callable[[int, P], Awaitable[str | None]]
    ) -> list[str | None]:
        """Send the parts not sent yet, in order (`send_one(number, part)` returns the platform's id)."""
        previous = self._sent.pop(outbox_id) if outbox_id else None
        done: list[str | None] = list(previous[1]) if previous and previous[0] == len(parts) else []
        try:
            for number in range(len(done), len(parts)):
                done.append(await send_one(number, parts[number]))
        except DeliveryError:
            if outbox_id and done:
                self._sent.add(outbox_id, (len(parts), done))
            raise
        return done

    def forget(self, outbox_id: int) -> None:
        self._sent.pop(outbox_id)


# --- text -----------------------------------------------------------------------------------------

Measure = Callable[[str], int]
Splitter = Callable[[str], list[str]]
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Where a reader would split, coarsest first: paragraphs, lines, sentences, words (and how to join again).
_LEVELS: tuple[tuple[Splitter, str], ...] = (
    (lambda text: re.split(r"\n[ \t]*\n", text), "\n\n"),
    (lambda text: text.split("\n"), "\n"),
    (lambda text: _SENTENCE_END.split(text), " "),
    (lambda text: text.split(" "), " "),
)


def _clean(text: str) -> str:
    return text.strip("\n").rstrip()


def _fitting(text: str, limit: int, measure: Measure) -> int:
    """How many characters of `text` (at least one) measure at most `limit`."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut_hard(text: str, limit: int, measure: Measure) -> list[str]:
    chunks = []
    while text:
        n = len(text) if measure(text) <= limit else _fitting(text, limit, measure)
        chunks.append(text[:n])
        text = text[n:]
    return chunks


def split_text(text: str, limit: int, measure: Measure = len, level: int = 0) -> list[str]:
    """Chunks of at most `limit` (as `measure` counts), split at paragraphs, then lines, then sentences, then
    words, then anywhere; as many whole pieces in a chunk as fit."""
    text = _clean(text)
    if not text.strip():
        return []
    if measure(text) <= limit:
        return [text]
    if level >= len(_LEVELS):
        return _cut_hard(text, limit, measure)
    split, joiner = _LEVELS[level]
    parts = [part for part in split(text) if part.strip()]
    if len(parts) <= 1:
        return split_text(text, limit, measure, level + 1)
    chunks: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{joiner}{part}" if current else part
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
            current = ""
        if measure(part) <= limit:
            current = part
        else:
            pieces = split_text(part, limit, measure, level + 1)
            chunks.extend(pieces[:-1])
            current = pieces[-1] if pieces else ""
    if current:
        chunks.append(current)
    return [_clean(chunk) for chunk in chunks if chunk.strip()]


def split_tail(text: str, limit: int, level: int = 0) -> tuple[str, str]:
    """(head, tail): the longest ending of `text` that fits `limit` characters, cut where a reader would,
    and the rest (what goes before a message that must end with the options)."""
    text = _clean(text)
    if len(text) <= limit:
        return "", text
    if level >= len(_LEVELS):
        return text[: len(text) - limit], text[len(text) - limit :]
    split, joiner = _LEVELS[level]
    parts = [part for part in split(text) if part.strip()]
    if len(parts) <= 1:
        return split_tail(text, limit, level + 1)
    tail, index = "", len(parts)
    while index > 0:
        candidate = f"{parts[index - 1]}{joiner}{tail}" if tail else parts[index - 1]
        if len(candidate) > limit:
            break
        tail, index = candidate, index - 1
    if tail:
        return _clean(joiner.join(parts[:index])), _clean(tail)
    head, tail = split_tail(parts[-1], limit, level + 1)
    return _clean(joiner.join(parts[:-1] + ([head] if head.strip() else []))), tail


def numbered(titles: Iterable[str], indent: str = "") -> str:
    """Options as lines '1. title', '2. title', ...: the numbers the dispatcher takes as answers."""
    return "\n".join(f"{indent}{number}. {title}" for number, title in enumerate(titles, 1))
