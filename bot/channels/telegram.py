"""The Telegram channel: webhook and long polling in, Bot API sends out, via python-telegram-bot."""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from telegram import Bot, BotCommand, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot import delivery
from bot.channels.telegram_errors import retry_after_seconds
from bot.channels.telegram_sender import TelegramSender
from bot.channels.telegram_updates import to_incoming
from bot.channels.toolkit import Inbox, WebhookRejected, load_json, read_body
from bot.config import ConfigError
from bot.core import MessageNotStored
from bot.delivery import ChannelSender
from bot.i18n import _, use_language
from bot.ratelimit import RateLimiter

if TYPE_CHECKING:
    from bot.channels import Deliver
    from bot.config import Settings
    from bot.dispatch import Dispatcher

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what setWebhook accepts as secret_token
MAX_BODY = 1 << 20  # an update is a few kilobytes; anything this large is not from Telegram
ALLOWED_UPDATES = ["message", "callback_query"]
POLL_TIMEOUT = 30  # seconds a getUpdates call waits for news
RECENT_UPDATES = 4096

# The command menu: (command, Indonesian description, English description). The descriptions go
# through gettext; the English column is used while the catalogue has no translation yet.
COMMANDS = (
    ("start", "Mulai dan menu utama", "Start and main menu"),
    ("menu", "Menu utama", "Main menu"),
    ("pelatihan", "Pelatihan mendatang", "Upcoming trainings"),
    ("sertifikasi", "Panduan sertifikasi (NIB, BNSP, merek…)", "Certification guides (NIB, BNSP, trademark…)"),
    ("tips", "Tips pasar", "Market tips"),
    ("bahasa", "Ganti bahasa / Change language", "Change language / Ganti bahasa"),
    ("bantuan", "Cara memakai Kriya", "How to use Kriya"),
)
COMMAND_LANGUAGES = ("id", "en")  # id is Telegram's default menu (no language_code)


def command_menu(language: str) -> list[BotCommand]:
    """The bot's commands with their descriptions in `language`."""
    commands = []
    with use_language(language):
        for command, indonesian, english in COMMANDS:
            described = _(indonesian)
            if language == "en" and described == indonesian:
                described = english
            commands.append(BotCommand(command, described))
    return commands


class _RedactToken(logging.Filter):
    """Keeps the bot token (it is in every Bot API URL) out of httpx's request log lines."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        return True


class TelegramChannel:
    """Telegram for Kriya: the webhook route, long polling, the sender and the rate limit."""

    name = "telegram"
    start_retry_seconds = 5.0  # first wait before retrying an unreachable Bot API at start
    stop_timeout = 10.0  # seconds stop() gives deliveries still under way
    poll_wait = POLL_TIMEOUT  # seconds one getUpdates call waits for news
    poll_retry_seconds = 2.0  # first wait after a failed getUpdates, doubled up to a minute

    def __init__(self, settings: Settings, dispatcher: Dispatcher, deliver: Deliver) -> None:
        if not settings.telegram_bot_token:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
        self.settings = settings
        self.dispatcher = dispatcher
        # Send timeouts: sendMessage takes no idempotency key, so a late answer is waited for, not sent again.
        builder = (Application.builder().token(settings.telegram_bot_token).updater(None)
                   .connect_timeout(delivery.CONNECT_TIMEOUT).read_timeout(delivery.READ_TIMEOUT)
                   .write_timeout(delivery.WRITE_TIMEOUT).pool_timeout(delivery.POOL_TIMEOUT))
        if settings.telegram_api_base_url:
            builder = builder.base_url(settings.telegram_api_base_url)
        self.application = builder.build()
        self.bot: Bot = self.application.bot
        self.limiter = RateLimiter(settings.telegram_rate, settings.telegram_chat_rate,
                                   account=f"telegram:{settings.telegram_bot_token.split(':')[0]}")
        self.sender: ChannelSender = TelegramSender(self.bot, self.limiter)
        self.inbox = Inbox("telegram", dispatcher, deliver, RECENT_UPDATES)
        self.recent = self.inbox.seen  # update ids, to drop a re-delivered update before touching the database
        self.background = self.inbox.background
        self._ready = asyncio.Event()
        self._init_task: asyncio.Task[None] | None = None
        self._redact = _RedactToken(settings.telegram_bot_token)

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Initialize the bot (getMe) and publish the command menu; an unreachable API is retried."""
        logging.getLogger("httpx").addFilter(self._redact)
        try:
            await self._initialize()
        except InvalidToken as error:
            raise ConfigError("TELEGRAM_BOT_TOKEN was rejected by the Bot API; check it with @BotFather") from error
        except TelegramError as error:
            logger.error("telegram: Bot API unreachable at start (%s); retrying in the background", error)
            self._init_task = asyncio.create_task(self._initialize_later(), name="telegram-initialize")

    async def _initialize(self) -> None:
        await self.application.initialize()
        self._ready.set()
        logger.info("telegram: running as @%s", self.bot.username)
        await self.set_commands()

    async def _initialize_later(self) -> None:
        wait = self.start_retry_seconds
        while True:
            await asyncio.sleep(wait)
            try:
                await self._initialize()
                return
            except InvalidToken:
                logger.error("telegram: TELEGRAM_BOT_TOKEN was rejected by the Bot API; Telegram stays off")
                return
            except TelegramError as error:
                wait = min(wait * 2, 300.0)
                logger.warning("telegram: Bot API still unreachable (%s); next try in %.0f s", error, wait)

    async def set_commands(self) -> None:
        """The command menu in Indonesian (the default) and English; optional, so failures are logged."""
        for language in COMMAND_LANGUAGES:
            code = None if language == "id" else language
            try:
                await self.bot.set_my_commands(command_menu(language), language_code=code)
            except TelegramError as error:
                logger.warning("telegram: setMyCommands (%s) failed: %s", language, error)

    async def stop(self) -> None:
        """Let deliveries under way finish (for a while), then close the bot's HTTP clients."""
        if self._init_task is not None:
            self._init_task.cancel()
            await asyncio.gather(self._init_task, return_exceptions=True)
        await self.background.stop(self.stop_timeout)
        if self.ready:
            await self.application.shutdown()
        else:
            await self.bot.shutdown()
        logging.getLogger("httpx").removeFilter(self._redact)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    # --- incoming --------------------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        """POST /telegram/webhook; refuses to exist without TELEGRAM_WEBHOOK_SECRET."""
        secret = self.settings.telegram_webhook_secret
        if not secret:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET is not set: the Telegram webhook needs it (use `kriya poll` without one)"
            )
        if not SECRET_RE.match(secret):
            raise ConfigError("TELEGRAM_WEBHOOK_SECRET: use 1-256 characters among A-Z, a-z, 0-9, _ and -")
        return [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])]

    async def webhook(self, request: Request) -> Response:
        """Check the secret, read the update, handle it, answer 200 (replies are sent in the background)."""
        secret = self.settings.telegram_webhook_secret or ""
        given = request.headers.get(SECRET_HEADER)
        client = request.client.host if request.client else "?"
        if given is None:
            logger.warning("telegram webhook: request from %s without the secret header", client)
            return Response(status_code=401)
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("telegram webhook: request from %s with a wrong secret", client)
            return Response(status_code=403)
        try:
            data = load_json(await read_body(request, MAX_BODY))
        except WebhookRejected as rejected:
            return Response(rejected.reason, status_code=rejected.status)
        if type(data.get("update_id")) is not int:
            return Response("not a Telegram update", status_code=400)
        if not self.ready:  # Telegram retries later; nothing is lost
            return Response(status_code=503)
        try:
            await self.process_json(data)
        except MessageNotStored:  # not marked seen: Telegram delivers it again
            return Response("not stored, try again", status_code=503)
        return Response(status_code=200)

    async def process_json(self, data: dict[str, Any]) -> None:
        """Handle one update from the webhook; raises MessageNotStored when it must come again."""
        update_id = data["update_id"]
        if update_id in self.recent:
            logger.info("telegram: update %s again, dropped", update_id)
            return
        try:
            update = Update.de_json(data, self.bot)
        except Exception as error:
            logger.warning("telegram: update %s could not be read (%s); dropped", update_id, type(error).__name__)
            self.recent.add(update_id)
            return
        await self.handle_update(update)

    async def process(self, update: Update) -> None:
        """Handle one update (from polling) unless it was seen lately; raises MessageNotStored."""
        if update.update_id in self.recent:
            logger.info("telegram: update %s again, dropped", update.update_id)
            return
        await self.handle_update(update)

    async def handle_update(self, update: Update) -> None:
        """Answer a tap at once, then dispatch; the replies go out in the background. The update is marked
        seen only once the dispatcher has committed it (with its reply rows): nothing is lost before that."""
        if update.callback_query is not None:
            self.background.spawn(self._answer(update.callback_query.id), "telegram-answer")
        msg = to_incoming(update)
        if msg is None:
            logger.debug("telegram: update %s ignored", update.update_id)
            self.recent.add(update.update_id)
            return
        await self.inbox.take(msg, key=update.update_id)  # replies to a chat go out in the order messages came

    async def _answer(self, callback_query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(callback_query_id)
        except TelegramError as error:  # e.g. "query is too old" after a restart: harmless
            logger.info("telegram: answerCallbackQuery %s failed: %s", callback_query_id, error)

    async def idle(self) -> None:
        """Wait until the background work started so far is done (tests, benchmarks)."""
        await self.background.drain()

    # --- long polling ----------------------------------------------------------------------------

    async def poll(self) -> None:
        """getUpdates until cancelled: the webhook is removed first; each batch is confirmed by the next call."""
        await self._ready.wait()
        await self._delete_webhook()
        offset: int | None = None
        failures = 0
        logger.info("telegram: long polling")
        try:
            while True:
                try:
                    updates = await self.bot.get_updates(offset=offset, timeout=self.poll_wait,
                                                         allowed_updates=ALLOWED_UPDATES)
                except InvalidToken:
                    raise
                except RetryAfter as error:
                    await asyncio.sleep(retry_after_seconds(error))
                    continue
                except TelegramError as error:
                    failures += 1
                    wait = min(self.poll_retry_seconds * 2 ** (failures - 1), 60.0)
                    level = logging.ERROR if isinstance(error, Conflict) else logging.WARNING
                    logger.log(level, "telegram: getUpdates failed (%s); again in %.0f s", error, wait)
                    if isinstance(error, Conflict) and "webhook" in error.message.lower():
                        await self._delete_webhook()
                    await asyncio.sleep(wait)
                    continue
                except Exception:  # an update PTB cannot parse: logged by PTB with the data
                    failures += 1
                    logger.exception("telegram: getUpdates returned something unreadable")
                    await asyncio.sleep(min(self.poll_retry_seconds * 2 ** (failures - 1), 60.0))
                    continue
                failures = 0
                for update in updates:
                    try:
                        await self.process(update)
                    except MessageNotStored:  # not confirmed: fetched again once the database is back
                        failures += 1
                        await asyncio.sleep(min(self.poll_retry_seconds * 2 ** (failures - 1), 60.0))
                        break
                    except Exception:  # a bug outside the dispatcher's boundary
                        logger.exception("telegram: update %s failed", update.update_id)
                    offset = update.update_id + 1  # confirmed with the next call (a poison update is skipped)
                await asyncio.sleep(0)  # the replies just queued start on their way before the next getUpdates
        except asyncio.CancelledError:
            if offset is not None:
                await self._confirm(offset)
            raise

    async def _delete_webhook(self) -> None:
        try:
            await self.bot.delete_webhook()
        except TelegramError as error:
            logger.warning("telegram: deleteWebhook failed: %s", error)

    async def _confirm(self, offset: int) -> None:
        """Tell Telegram the last batch was handled, so a restart does not fetch it again."""
        try:
            await asyncio.wait_for(self.bot.get_updates(offset=offset, timeout=0, limit=1), 5)
        except (TelegramError, TimeoutError) as error:
            logger.info("telegram: could not confirm updates before %s: %s", offset, error)
