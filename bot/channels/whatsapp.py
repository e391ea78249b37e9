"""The WhatsApp channel (Cloud API): the signed webhook in, replies and templates out, delivery statuses recorded."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.channels.toolkit import Inbox, Recent, SentParts, WebhookRejected, load_json, read_body
from bot.channels.whatsapp_api import REENGAGEMENT, GraphClient
from bot.channels.whatsapp_render import (
    MediaMessage,
    TemplateError,
    render_media,
    render_reply,
    template_header,
    template_message,
)
from bot.channels.whatsapp_webhook import MAX_BODY, StatusUpdate, check_signature, parse_update
from bot.config import ConfigError
from bot.core import IncomingMessage, MessageNotStored
from bot.delivery import (
    AttachmentRefused,
    ChannelSender,
    FinalError,
    Media,
    Outgoing,
    SendResult,
    WindowClosed,
)
from bot.i18n import normalize_language, use_language
from bot.logs import ref
from bot.outbox import TEMPLATE_FLAG, TEMPLATE_KIND, DeliveryStatuses, Sessionmaker, recipient_language
from bot.ratelimit import RateLimiter

if TYPE_CHECKING:
    from bot.channels import Deliver
    from bot.config import Settings
    from bot.dispatch import Dispatcher

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
WINDOW = timedelta(hours=24)  # the customer service window after the person's last message
WINDOW_MARGIN = timedelta(minutes=2)  # a message queued at 23:59 may arrive after the window closed
STATUS_RETRIES = (2.0, 10.0)  # a status may arrive before the outbox recorded the message id
SEEN_MAX = 10_000
SENT_IDS_MAX = 50_000
STOP_TIMEOUT = 10.0


def window_closed(item: Outgoing, now: datetime) -> bool:
    """Whether a free-form message to this person would be refused (131047): only templates may go."""
    if item.body.get(TEMPLATE_FLAG):
        return True
    if not item.proactive:
        return False
    return window_over(item.last_inbound_at, now)


def window_over(last_inbound_at: datetime | None, now: datetime) -> bool:
    """Whether the 24-hour window after the person's last message is over at `now` (or was never open)."""
    return last_inbound_at is None or now - last_inbound_at >= WINDOW - WINDOW_MARGIN


def template_for(templates: dict[str, Any], kind: str, body: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The WHATSAPP_TEMPLATES entry a message goes as past a closed window: its own kind's (`body[TEMPLATE_KIND]`:
    "confirm", "offer", ...), else its outbox kind's ("notice"); None when neither is configured."""
    for key in ((body or {}).get(TEMPLATE_KIND), kind):
        config = templates.get(key) if isinstance(key, str) else None
        if isinstance(config, dict):
            return config
    return None


def has_template(templates: dict[str, Any], kind: str, body: dict[str, Any] | None = None) -> bool:
    """Whether WHATSAPP_TEMPLATES configures a template for this message (its way past a closed window)."""
    return template_for(templates, kind, body) is not None


class WhatsAppSender:
    """The outbox's sender for WhatsApp: renders an Outgoing, falls back to a template when the window is closed."""

    channel = CHANNEL

    def __init__(
        self,
        api: GraphClient,
        templates: dict[str, Any],
        clock: Callable[[], datetime],
        sessionmaker: Sessionmaker | None = None,
    ) -> None:
        self.api = api
        self.templates = templates
        self.clock = clock
        self.sessionmaker = sessionmaker
        self.sent_ids: Recent[str] = Recent(SENT_IDS_MAX)  # every part's wamid -> outbox id, to match statuses
        self._parts = SentParts()

    def has_template(self, kind: str, body: dict[str, Any] | None = None) -> bool:
        return has_template(self.templates, kind, body)

    async def send(self, item: Outgoing) -> SendResult:
        reply = item.reply
        closed = window_closed(item, self.clock())
        # The person's language matters for a template and for the channel's own words (list button, hints).
        needs_words = closed or bool(reply.buttons)
        language = await self._language(item) if needs_words else normalize_language(item.body.get("language"))
        note = None
        with use_language(language):
            if closed:
                ids = [await self._send_template(item, language, "24-hour window closed")]
            elif item.media is not None:
                ids, note = await self._send_with_media(item, language)
            else:
                ids = await self._send_parts(item, render_reply(reply, item.external_id), language)
        found = [i for i in ids if i]
        for message_id in found:
            self.sent_ids.add(message_id, item.outbox_id)
        return SendResult(found, note=note)

    async def _send_with_media(self, item: Outgoing, language: str) -> tuple[list[str | None], str | None]:
        """The file uploaded and sent with the text as caption. An upload that fails for now is raised (recorded,
        and the row retried by the outbox); one refused for good sends the text alone, with the refusal noted."""
        media = item.media
        assert media is not None
        try:
            return await self._send_parts(item, render_media(item.reply, item.external_id, media.kind,
                                                             media.filename), language), None
        except AttachmentRefused as refused:
            self._parts.forget(item.outbox_id)
            logger.warning("WhatsApp refused the %s of outbox %s (%s): sending the text alone", media.kind,
                           item.outbox_id, refused.reason)
            sent = await self._send_parts(item, render_reply(item.reply, item.external_id), language)
            return sent, f"{media.kind} upload refused ({refused.code} {refused.reason}); text sent alone"

    async def _send_one(self, item: Outgoing, part: MediaMessage | dict[str, Any]) -> str | None:
        if not isinstance(part, MediaMessage):
            return await self.api.send_message(part)
        assert item.media is not None
        return await self.api.send_message(part.with_id(await self._upload(item.media)))

    async def _upload(self, media: Media) -> str:
        try:
            return await self.api.upload_media(media.content, media.filename, media.media_type)
        except FinalError as refused:
            raise AttachmentRefused(refused.reason, code=refused.code) from refused

    async def _send_parts(self, item: Outgoing, parts: Sequence[MediaMessage | dict[str, Any]],
                          language: str) -> list[str | None]:
        """Send the parts in order; a retry of the same row skips the parts that went already."""
        try:
            return await self._parts.send(item.outbox_id, parts, lambda _number, part: self._send_one(item, part))
        except WindowClosed as closed:
            logger.info("WhatsApp window closed for outbox %s (%s): trying its template", item.outbox_id, closed.code)
            self._parts.forget(item.outbox_id)
            return [await self._send_template(item, language, closed.reason)]

    async def _send_template(self, item: Outgoing, language: str, why: str) -> str | None:
        config = template_for(self.templates, item.kind, item.body)
        kind = item.body.get(TEMPLATE_KIND) or item.kind
        if config is None:
            raise WindowClosed(f"{why}; no WhatsApp template configured for '{kind}' messages", code=REENGAGEMENT)
        media = None
        if template_header(config) is not None and item.media is not None:
            media = (await self._upload(item.media), item.media.filename)  # the certificate's PDF as its header
        try:
            payload = template_message(item.external_id, config, item.reply, item.body, language, media)
        except TemplateError as error:
            raise WindowClosed(f"{why}; template for '{kind}' unusable: {error}", code=REENGAGEMENT) from None
        return await self.api.send_message(payload)

    async def _language(self, item: Outgoing) -> str:
        """The person's language: from the outbox body when it says, else from their profile (Indonesian)."""
        if item.body.get("language"):
            return normalize_language(item.body["language"])
        if self.sessionmaker is None:
            return normalize_language(None)
        return normalize_language(await recipient_language(self.sessionmaker, CHANNEL, item.external_id))


class WhatsAppChannel:
    """WhatsApp on the Cloud API: GET/POST /whatsapp/webhook, a sender for the outbox, a rate limiter."""

    name = CHANNEL

    def __init__(self, settings: Settings, dispatcher: Dispatcher, deliver: Deliver) -> None:
        self.settings = settings
        self.dispatcher = dispatcher
        self.api = GraphClient(
            settings.whatsapp_api_base_url, settings.whatsapp_token or "", settings.whatsapp_phone_number_id or ""
        )
        self.whatsapp_sender = WhatsAppSender(self.api, settings.templates, dispatcher.clock,
                                              dispatcher.sessionmaker)
        self.sender: ChannelSender = self.whatsapp_sender
        self.statuses = DeliveryStatuses(
            dispatcher.sessionmaker, dispatcher.clock, CHANNEL, window_closed_code=REENGAGEMENT,
            has_template=self.whatsapp_sender.has_template, known=self.whatsapp_sender.sent_ids.get,
        )
        self.limiter = RateLimiter(settings.whatsapp_rate, account=f"whatsapp:{settings.whatsapp_phone_number_id}")
        self.status_retries = STATUS_RETRIES
        self.inbox = Inbox(CHANNEL, dispatcher, deliver, SEEN_MAX)
        self.background = self.inbox.background
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
        await self.background.stop(STOP_TIMEOUT)
        self.ready = False
        await self.api.close()

    async def drain(self) -> None:
        """Wait until the background deliveries and status retries (and those they start) have finished."""
        await self.background.drain()

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
            body = await read_body(request, MAX_BODY)
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
                    self.background.spawn(self._retry_status(status), f"whatsapp-status-{ref(status.message_id)}")
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
            by_person.setdefault(message.user_id, []).append(message)
        results = await asyncio.gather(*(self._handle_person(items) for items in by_person.values()),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _handle_person(self, messages: list[IncomingMessage]) -> None:
        for message in messages:  # a message not stored stops the later ones: their order must hold
            await self.inbox.take(message)

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

    async def _record_status(self, status: StatusUpdate) -> bool:
        """Record a status on the outbox row it belongs to (False when no row is known for it yet)."""
        return await self.statuses.record(status.message_id, status.status, error=status.error,
                                          error_code=status.error_code)
