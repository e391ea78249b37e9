"""The dispatcher: one message in, replies out, inside one transaction with the person's state."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.context import ConversationState, HandlerContext
from bot.core import IncomingMessage, MessageNotStored, Reply
from bot.delivery import Outgoing, reply_to_body
from bot.i18n import _, normalize_language, use_language
from bot.logs import ref
from bot.outbox import enqueue_reply
from bot.router import Router, options_of, remember_earlier_options
from bot.services.people import load_person
from bot.services.registry import Services
from bot.services.reminders import Policy
from db.models import Artisan, ChannelIdentity, InboundMessage, inbound_key

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


# Errors that mean the database could not be reached or used, not that the conversation went wrong.
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeout, OSError, TimeoutError)
_RECORD_INBOUND = insert(cast(Table, InboundMessage.__table__))  # built once: every message runs it
CONTROL_CHARACTERS = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")  # NUL & co: PostgreSQL refuses NUL


def database_unavailable(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, UNAVAILABLE) or isinstance(error.__cause__, UNAVAILABLE)


def is_duplicate(error: IntegrityError) -> bool:
    """The message was handled already: its id is recorded (the unique key of inbound_messages), or a reply to
    it is queued (the outbox's dedupe key, which names the message: found once its id was purged after a week)."""
    text = str(error.orig)
    return "inbound_messages" in text or "outbox.dedupe_key" in text or "uq_outbox_dedupe_key" in text


def person_deleted(person: Artisan) -> bool:
    state = sa_inspect(person)
    return bool(state.deleted or state.was_deleted)


def _clean(value: str | None) -> str | None:
    return value.translate(CONTROL_CHARACTERS) if value else value


def clean_message(msg: IncomingMessage) -> IncomingMessage:
    """The message without control characters in what people typed (a NUL would lock them out on PostgreSQL)."""
    return replace(msg, text=_clean(msg.text), name=_clean(msg.name), payload=_clean(msg.payload))


def utc_clock() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    """Drops duplicates, serialises each person's messages, routes, and keeps state in the database."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        router: Router,
        clock: Clock = utc_clock,
        row_locks: bool = False,
        *,
        policy: Policy,  # from the settings, never a default: what the services plan and purge with
    ) -> None:
        self.policy = policy
        self.sessionmaker = sessionmaker
        self.router = router
        self.clock = clock
        self.row_locks = row_locks  # SELECT ... FOR UPDATE on the person's row (PostgreSQL)
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, msg: IncomingMessage) -> asyncio.Lock:
        key = (msg.channel, msg.user_id)
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    async def handle(self, msg: IncomingMessage) -> list[Reply]:
        """Replies to `msg`; [] for a duplicate; a short apology if anything fails (the console has no retry)."""
        try:
            return [item.reply for item in await self._process(msg, queue=False)]
        except MessageNotStored:
            return [self._apology_reply(normalize_language(msg.language))]

    async def handle_queued(self, msg: IncomingMessage) -> list[Outgoing]:
        """Like handle, but the replies are outbox rows (claimed by the caller) written in the same transaction.

        Raises MessageNotStored when the message could not be recorded: the channel answers the platform with
        an error so that it delivers the message again, and does not mark it seen."""
        return await self._process(msg, queue=True)

    async def _process(self, msg: IncomingMessage, queue: bool) -> list[Outgoing]:
        msg = clean_message(msg)
        async with self._lock(msg):
            try:
                return await self._handle(msg, queue)
            except IntegrityError as error:
                if is_duplicate(error):
                    logger.info("duplicate %s message %s", msg.channel, ref(msg.message_id))
                    return []
                failure: Exception = error
            except Exception as error:
                if database_unavailable(error):
                    logger.error("%s message %s not stored, the database is unavailable: %s", msg.channel,
                                 ref(msg.message_id), type(error).__name__)
                    raise MessageNotStored(msg.message_id) from error
                failure = error
            # An error of the conversation itself: the message is recorded (a retry is a duplicate) with an apology.
            logger.error("failed on %s message %s", msg.channel, ref(msg.message_id), exc_info=failure)
            return await self._apologise(msg, queue)

    def _apology_reply(self, language: str) -> Reply:
        with use_language(language):
            return Reply(_("Maaf, ada gangguan di sistem kami. Silakan coba lagi sebentar lagi."))

    async def _apologise(self, msg: IncomingMessage, queue: bool) -> list[Outgoing]:
        """Record the message and queue the apology in one transaction; MessageNotStored when even that fails."""
        language = await self._language_of(msg) or normalize_language(msg.language)
        body = {**reply_to_body(self._apology_reply(language), msg.meta.get("reply_context")), "language": language}
        now = self.clock()
        try:
            async with self.sessionmaker() as session, session.begin():
                session.add(InboundMessage(channel=msg.channel, message_id=inbound_key(msg.channel, msg.message_id),
                                           received_at=now))
                row_id, token = 0, None
                if queue:
                    row_id, token = await enqueue_reply(
                        session, artisan_id=None, channel=msg.channel, external_id=msg.user_id, body=body,
                        dedupe_key=f"error:{msg.channel}:{inbound_key(msg.channel, msg.message_id)}", now=now)
                else:
                    await session.flush()
        except IntegrityError as error:
            if is_duplicate(error):  # the same message came in meanwhile and was handled
                return []
            raise MessageNotStored(msg.message_id) from error
        except Exception as error:
            logger.error("%s message %s not stored (%s)", msg.channel, ref(msg.message_id), type(error).__name__)
            raise MessageNotStored(msg.message_id) from error
        return [Outgoing(row_id, msg.channel, msg.user_id, body, claim_token=token)]

    async def _language_of(self, msg: IncomingMessage) -> str | None:
        try:
            async with self.sessionmaker() as session:
                row = await session.execute(
                    select(Artisan.language)
                    .join(ChannelIdentity)
                    .where(ChannelIdentity.channel == msg.channel, ChannelIdentity.external_id == msg.user_id)
                )
                return row.scalar_one_or_none()
        except Exception:  # the apology must go out even when the database is down
            logger.warning("could not read the language of %s:%s", msg.channel, ref(msg.user_id))
            return None

    async def _handle(self, msg: IncomingMessage, queue: bool) -> list[Outgoing]:
        now = self.clock()
        async with self.sessionmaker() as session, session.begin():
            # Recorded first: a message delivered twice fails here on the unique key and is dropped. (A plain
            # INSERT, not session.add: the ORM's flush of one new row costs more than the rest of the query.)
            await session.execute(_RECORD_INBOUND, {"channel": msg.channel, "received_at": now,
                                                    "message_id": inbound_key(msg.channel, msg.message_id)})
            person, _identity, conversation = await load_person(session, msg, now, lock=self.row_locks)
            state = ConversationState.load(conversation.state, conversation.data)
            services = Services.bind(session, now, msg.channel, self.policy)
            ctx = HandlerContext(person=person, state=state, services=services, now=now)
            with use_language(person.language):
                msg = self.router.prepared(msg, state.name)
                replies = await self.router.answer(msg, ctx)  # (an interrupted form's question asked again)
            forgotten = person_deleted(person)  # "hapus data saya": nothing may point at the person any more
            if not forgotten:
                state.memory["options"] = options_of(replies[-1], msg.channel) if replies else []
                remember_earlier_options(state.memory, replies[:-1], msg.channel)
                data = state.dump()  # assigned only when changed: an untouched conversation needs no flush
                if conversation.state != state.name:
                    conversation.state = state.name
                if conversation.data != data:
                    conversation.data = data
            outgoing = []
            for number, reply in enumerate(replies):
                body = {**reply_to_body(reply, msg.meta.get("reply_context")), "language": person.language}
                row_id, token = 0, None
                if queue:
                    key = f"reply:{msg.channel}:{inbound_key(msg.channel, msg.message_id)}:{number}"  # ids embed phones
                    row_id, token = await enqueue_reply(
                        session, artisan_id=None if forgotten else person.id, channel=msg.channel,
                        external_id=msg.user_id, body=body, dedupe_key=key, now=now)
                outgoing.append(Outgoing(row_id, msg.channel, msg.user_id, body, last_inbound_at=now,
                                         claim_token=token))
        return outgoing
