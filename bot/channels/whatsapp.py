"""The WhatsApp channel (Cloud API): the signed webhook in, replies and templates out, delivery statuses recorded."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.whatsapp_api import REENGAGEMENT, GraphClient
from bot.channels.whatsapp_render import TemplateError, render_reply, template_message
from bot.channels.whatsapp_webhook import (
    StatusUpdate,
    WebhookRejected,
    check_signature,
    load_json,
    parse_update,
    read_body,
)
from bot.config import ConfigError
from bot.core import IncomingMessage, MessageNotStored
from bot.delivery import ChannelSender, DeliveryError, Outgoing, SendResult, WindowClosed
from bot.i18n import normalize_language, use_language
from bot.logs import ref
from bot.ratelimit import RateLimiter
from db.models import Artisan, ChannelIdentity, OutboxMessage

if TYPE_CHECKING:
    from bot.channels import Deliver
    from bot.config import Settings
    from bot.dispatch import Dispatcher

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)  # the customer service window after the person's last message
WINDOW_MARGIN = timedelta(minutes=2)  # a message queued at 23:59 may arrive after the window closed
TEMPLATE_FLAG = "whatsapp_template"  # in an outbox body: send this row as its kind's template
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}  # a status never goes back
STATUS_RETRIES = (2.0, 10.0)  # a status may arrive before the outbox recorded the message id
SEEN_MAX = 10_000
SENT_IDS_MAX = 50_000
STOP_TIMEOUT = 10.0


class LRU:
    """A bounded set (or map) of recent keys, oldest forgotten first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()

    def add(self, key: str, value: Any = True) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def get(self, key: str) -> Any:
        return self._items.get(key)

    def pop(self, key: str) -> Any:
        return self._items.pop(key, None)

    def __contains__(self, key: str) -> bool:
        return key in self._items


def window_closed(item: Outgoing, now: datetime) -> bool:
    """Whether a free-form message to this person would be refused (131047): only templates may go."""
    if item.body.get(TEMPLATE_FLAG):
        return True
    if not item.proactive:
        return False
    return item.last_inbound_at is None or now - item.last_inbound_at >= WINDOW - WINDOW_MARGIN


class WhatsAppSender:
    """The outbox's sender for WhatsApp: renders an Outgoing, falls back to a template when the window is closed."""

    channel = CHANNEL

    def __init__(
        self,
        api: GraphClient,
        templates: dict[str, Any],
        clock: Callable[[], datetime],
        sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        self.api = api
        self.templates = templates
        self.clock = clock
        self.sessionmaker = sessionmaker
        self.sent_ids = LRU(SENT_IDS_MAX)  # every part's wamid -> outbox id, to match statuses quickly
        self._progress = LRU(1_000)  # outbox id -> (parts, wamids sent) of a send cut short by an error

    async def send(self, item: Outgoing) -> SendResult:
        reply = item.reply
        closed = window_closed(item, self.clock())
        # The person's language matters for a template and for the channel's own words (list button, hints).
        needs_words = closed or bool(reply.buttons)
        language = await self._language(item) if needs_words else normalize_language(item.body.get("language"))
        with use_language(language):
            if closed:
                ids = [await self._send_template(item, language, "24-hour window closed")]
            else:
                ids = await self._send_parts(item, render_reply(reply, item.external_id), language)
        found = [i for i in ids if i]
        for message_id in found:
            self.sent_ids.add(message_id, item.outbox_id)
        return SendResult(found)

    async def _send_parts(self, item: Outgoing, parts: list[dict[str, Any]], language: str) -> list[str | None]:
        """Send the parts in order; a retry of the same row skips the parts that went already."""
        done: list[str | None] = []
        if item.outbox_id:
            previous = self._progress.pop(str(item.outbox_id))
            if previous and previous[0] == len(parts):
                done = list(previous[1])
        try:
            for part in parts[len(done):]:
                done.append(await self.api.send_message(part))
        except WindowClosed as closed:
            logger.info("WhatsApp window closed for outbox %s (%s): trying its template", item.outbox_id, closed.code)
            done.append(await self._send_template(item, language, closed.reason))
        except DeliveryError:
            if item.outbox_id and done:
                self._progress.add(str(item.outbox_id), (len(parts), done))
            raise
        return done

    async def _send_template(self, item: Outgoing, language: str, why: str) -> str | None:
        config = self.templates.get(item.kind)
        if not isinstance(config, dict):
            raise WindowClosed(f"{why}; no WhatsApp template configured for '{item.kind}' messages", code=REENGAGEMENT)
        try:
            payload = template_message(item.external_id, config, item.reply, item.body, language)
        except TemplateError as error:
            raise WindowClosed(f"{why}; template for '{item.kind}' unusable: {error}", code=REENGAGEMENT) from None
        return await self.api.send_message(payload)

    async def _language(self, item: Outgoing) -> str:
        """The person's language: from the outbox body when it says, else from their profile (Indonesian)."""
        if item.body.get("language"):
            return normalize_language(item.body["language"])
        if self.sessionmaker is None:
            return normalize_language(None)
        try:
            async with self.sessionmaker() as session:
                language = await session.scalar(
                    select(Artisan.language)
                    .join(ChannelIdentity, ChannelIdentity.artisan_id == Artisan.id)
                    .where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == item.external_id)
                )
        except Exception:
            logger.warning("could not read the language of whatsapp:%s", ref(item.external_id))
            language = None
        return normalize_language(language)


class WhatsAppChannel:
    """WhatsApp on the Cloud API: GET/POST /whatsapp/webhook, a sender for the outbox, a rate limiter."""

    name = CHANNEL

    def __init__(self, settings: Settings, dispatcher: Dispatcher, deliver: Deliver) -> None:
        self.settings = settings
        self.dispatcher = dispatcher
        self.deliver = deliver
        self.api = GraphClient(
            settings.whatsapp_api_base_url, settings.whatsapp_token or "", settings.whatsapp_phone_number_id or ""
        )
        self.whatsapp_sender = WhatsAppSender(self.api, dict(settings.whatsapp_templates), dispatcher.clock,
                                              dispatcher.sessionmaker)
        self.sender: ChannelSender = self.whatsapp_sender
        self.limiter = RateLimiter(settings.whatsapp_rate)
        self.status_retries = STATUS_RETRIES
        self._seen = LRU(SEEN_MAX)
        self._tasks: set[asyncio.Task[None]] = set()
        self._chains: dict[str, asyncio.Task[None]] = {}
        self.ready = False  # the Graph API client is open

    # --- lifecycle --------------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/whatsapp/webhook", self.verify, methods=["GET"]),
            Route("/whatsapp/webhook", self.receive, methods=["POST"]),
        ]

    async def start(self) -> None:
        missing = [name for name, value in (("WHATSAPP_APP_SECRET", self.settings.whatsapp_app_secret),
                                            ("WHATSAPP_VERIFY_TOKEN", self.settings.whatsapp_verify_token))
                   if not value]
        if missing:
            raise ConfigError(f"WhatsApp is on (WHATSAPP_TOKEN is set) but {' and '.join(missing)} is not set")
        await self.api.open()
        self.ready = True
        logger.info("WhatsApp channel ready for phone number id %s", self.settings.whatsapp_phone_number_id)

    async def stop(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(STOP_TIMEOUT):
                await self.drain()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self.ready = False
        await self.api.close()

    async def drain(self) -> None:
        """Wait until the background deliveries and status retries (and those they start) have finished."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def _spawn(self, coro: Any, name: str) -> asyncio.Task[None]:
        task: asyncio.Task[None] = asyncio.create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # --- webhook ----------------------------------------------------------------------------------

    async def verify(self, request: Request) -> Response:
        """Meta's subscription handshake: echo hub.challenge when hub.verify_token is ours."""
        params = request.query_params
        token = params.get("hub.verify_token") or ""
        expected = self.settings.whatsapp_verify_token or ""
        challenge = params.get("hub.challenge")
        if params.get("hub.mode") != "subscribe" or not expected or not hmac.compare_digest(
            token.encode(), expected.encode()
        ):
            logger.warning("WhatsApp webhook verification refused (mode=%s)", str(params.get("hub.mode"))[:20])
            return PlainTextResponse("forbidden", status_code=403)
        if not challenge or len(challenge) > 200:
            return PlainTextResponse("no hub.challenge", status_code=400)
        logger.info("WhatsApp webhook verified")
        return PlainTextResponse(challenge)

    async def receive(self, request: Request) -> Response:
        """A signed notification from Meta: 4xx when refused, 200 as soon as messages are safely queued."""
        try:
            body = await read_body(request)
            check_signature(self.settings.whatsapp_app_secret or "", body, request.headers.get("x-hub-signature-256"))
            payload = load_json(body)
        except WebhookRejected as rejected:
            client = request.client.host if request.client else "?"
            logger.warning("WhatsApp webhook refused (%s) from %s: %s", rejected.status, client, rejected.reason)
            return PlainTextResponse(rejected.reason, status_code=rejected.status)
        try:
            parsed = parse_update(payload, self.settings.whatsapp_phone_number_id)
            await self._handle_messages(parsed.messages)
            for status in parsed.statuses:
                if not await self._record_status(status):
                    self._spawn(self._retry_status(status), f"whatsapp-status-{ref(status.message_id)}")
        except MessageNotStored:  # not marked seen: Meta delivers the notification again
            return PlainTextResponse("not stored, try again", status_code=503)
        except Exception:
            logger.exception("WhatsApp update could not be handled")
            return PlainTextResponse("error", status_code=500)
        return PlainTextResponse("ok")

    async def _handle_messages(self, messages: list[IncomingMessage]) -> None:
        """Each person's messages in order (people in parallel); replies are sent after the answer to Meta.
        Raises MessageNotStored when any message could not be recorded (the others are kept)."""
        by_person: dict[str, list[IncomingMessage]] = {}
        for message in messages:
            if message.message_id in self._seen:
                logger.info("duplicate whatsapp message %s (seen)", ref(message.message_id))
                continue
            by_person.setdefault(message.user_id, []).append(message)
        results = await asyncio.gather(*(self._handle_person(items) for items in by_person.values()),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _handle_person(self, messages: list[IncomingMessage]) -> None:
        for message in messages:  # a message not stored stops the later ones: their order must hold
            items = await self.dispatcher.handle_queued(message)
            self._seen.add(message.message_id)
            if items:
                self._queue_delivery(message.user_id, items)

    def _queue_delivery(self, user: str, items: Sequence[Outgoing]) -> None:
        """Deliver in the background, after this person's earlier replies (so their order holds)."""
        previous = self._chains.get(user)
        task = self._spawn(self._deliver_after(previous, items), f"whatsapp-deliver-{ref(user)}")
        self._chains[user] = task

        def forget(done: asyncio.Task[None]) -> None:
            if self._chains.get(user) is done:
                del self._chains[user]

        task.add_done_callback(forget)

    async def _deliver_after(self, previous: asyncio.Task[None] | None, items: Sequence[Outgoing]) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        queued = [item for item in items if item.outbox_id]
        try:
            if queued:
                await self.deliver(queued)
            for item in items:
                if not item.outbox_id:  # an apology the database could not hold: sent directly, once
                    await self.limiter.acquire(item.external_id)
                    await self.sender.send(item)
        except DeliveryError as error:
            logger.warning("WhatsApp reply to %s not sent: %s %s", ref(items[0].external_id), error.code, error.reason)
        except Exception:  # the outbox worker takes the rows over when their lease ends
            logger.exception("WhatsApp delivery to %s failed", ref(items[0].external_id))

    # --- statuses ---------------------------------------------------------------------------------

    async def _retry_status(self, status: StatusUpdate) -> None:
        for delay in self.status_retries:
            await asyncio.sleep(delay)
            try:
                if await self._record_status(status):
                    return
            except Exception:
                logger.exception("WhatsApp status %s for %s could not be recorded", status.status, status.message_id)
                return
        logger.info("WhatsApp status %s for unknown message %s", status.status, status.message_id)

    async def _find_row(self, session: AsyncSession, message_id: str, thorough: bool) -> OutboxMessage | None:
        """The outbox row that sent `message_id`: by its last id, a part's id seen here, or a search of the body."""
        row = (
            await session.execute(
                select(OutboxMessage).where(
                    OutboxMessage.channel == CHANNEL, OutboxMessage.provider_message_id == message_id
                )
            )
        ).scalars().first()
        if row is None:
            outbox_id = self.whatsapp_sender.sent_ids.get(message_id)
            if outbox_id:
                row = await session.get(OutboxMessage, outbox_id)
        if row is None and thorough:  # an earlier part of a long message (its id is in body["provider_ids"])
            pattern = '%"' + message_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
            row = (
                await session.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.channel == CHANNEL,
                        OutboxMessage.provider_message_id.is_not(None),
                        cast(OutboxMessage.body, Text).like(pattern, escape="\\"),
                    ).limit(1)
                )
            ).scalars().first()
        if row is None:
            return None
        current = row.body.get("provider_ids") if isinstance(row.body, dict) else None
        if row.provider_message_id != message_id and message_id not in (current or []):
            return None  # a status of an earlier attempt, or not yet recorded
        return row

    async def _record_status(self, status: StatusUpdate) -> bool:
        """Record a status on the outbox row it belongs to; a 131047 failure of a proactive row re-queues it
        as its template. False when no row is known for the message (yet)."""
        now = self.dispatcher.clock()
        async with self.dispatcher.sessionmaker() as session, session.begin():
            row = await self._find_row(session, status.message_id, thorough=status.status == "failed")
            if row is None:
                return False
            lower = [name for name, rank in STATUS_RANK.items() if rank < STATUS_RANK[status.status]]
            values: dict[str, Any] = {"delivery_status": status.status}
            if status.status == "failed":
                values["last_error"] = status.error or "failed"
            if (
                status.status == "failed" and status.error_code == REENGAGEMENT and row.kind != "reply"
                and not row.body.get(TEMPLATE_FLAG) and isinstance(self.whatsapp_sender.templates.get(row.kind), dict)
            ):
                body = {k: v for k, v in row.body.items() if k != "provider_ids"}
                body[TEMPLATE_FLAG] = True
                body["failed_provider_ids"] = row.body.get("provider_ids") or [row.provider_message_id]
                values.update(status="pending", not_before=now, claimed_at=None, provider_message_id=None, body=body,
                              delivery_status=None, last_error=f"{status.error}; re-queued as template"[:300])
                logger.info("outbox %s: window closed (131047), re-queued as the '%s' template", row.id, row.kind)
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id,
                       or_(OutboxMessage.delivery_status.is_(None), OutboxMessage.delivery_status.in_(lower)))
                .values(**values)
            )
            if getattr(result, "rowcount", 1) and status.status == "failed":
                logger.warning("WhatsApp message of outbox %s failed: %s", row.id, status.error)
        return True
