"""People: the artisan behind a channel identity and their conversation row, loaded in one query."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import IncomingMessage
from bot.i18n import normalize_language
from db.models import Artisan, ChannelIdentity, Conversation

logger = logging.getLogger(__name__)

INBOUND_PRECISION = timedelta(minutes=1)

# Built once (statements are immutable): every message runs it.
_PERSON = (
    select(ChannelIdentity, Artisan, Conversation)
    .join(Artisan, Artisan.id == ChannelIdentity.artisan_id)
    .outerjoin(Conversation, Conversation.artisan_id == Artisan.id)
    .where(ChannelIdentity.channel == bindparam("channel"), ChannelIdentity.external_id == bindparam("external_id"))
)
_PERSON_LOCKED = _PERSON.with_for_update(of=Artisan)

# A message is clearly English when it has two of these words and none of the Indonesian ones (and the reverse).
_ENGLISH = frozenset("""i i'm im want would like to the for register join how much what when where is are do does
can could please hi hello hey my me you your it this that training course workshop about of in and cost fee
price sign up apply any class classes courses trainings workshops there available have has need next month free
online near learn know with which who am we our offer looking interested why closed registration delete
thanks thank remove cancel show tell certificate location still yes was will pls plz enroll""".split())
_INDONESIAN = frozenset("""saya aku mau ingin pengen yang di ke dan untuk apa ada pelatihan daftar kak bu pak mas
mbak gak ga nggak tidak bisa dong ya halo berapa kapan dimana gimana bagaimana sy yg utk min kah nya cara info
udah sudah aja saja gitu deh sih nih hapus batal batalkan nama kerajinan usaha makasih terima kasih belum punya
kalo kalau gmn brp iya boleh lagi apakah""".split())


_REGISTERING_IN_ENGLISH = frozenset({"register", "enroll", "signup"})


def clear_language(text: str | None) -> str | None:
    """"en" or "id" when a message is clearly in that language (two of its words and none of the other's)."""
    words = re.findall(r"[a-z']+", (text or "").casefold())
    english = sum(word in _ENGLISH for word in words)
    indonesian = sum(word in _INDONESIAN for word in words)
    if (english >= 2 or (english and set(words) & _REGISTERING_IN_ENGLISH)) and not indonesian:
        return "en"  # ("register ECO-ON-ASEAN pls": the verb with a code is English enough)
    if indonesian >= 2 and not english:
        return "id"
    return None


def first_language(msg: IncomingMessage) -> str:
    """The language of a new person: English when their first message clearly is, else the channel's hint."""
    return "en" if clear_language(msg.text) == "en" else normalize_language(msg.language)


def follow_language(artisan: Artisan, conversation: Conversation, msg: IncomingMessage) -> None:
    """Speak the language a person has switched to ("delete my data" after Indonesian), unless they chose one
    in the menu, or a form is waiting for an answer (a business called "Silver for You" changes nothing)."""
    if artisan.language_chosen or conversation.state is not None:
        return
    switched = clear_language(msg.text)
    if switched is not None and switched != artisan.language:
        artisan.language = switched


async def load_person(
    session: AsyncSession, msg: IncomingMessage, now: datetime, lock: bool
) -> tuple[Artisan, ChannelIdentity, Conversation]:
    """The person writing `msg` with their identity and conversation, created on first contact.

    With `lock` (PostgreSQL) the person's row stays locked until commit, so two processes never handle
    one person's messages at once."""
    query = _PERSON_LOCKED if lock else _PERSON
    row = (await session.execute(query, {"channel": msg.channel, "external_id": msg.user_id})).first()
    if row is None:
        artisan = Artisan(display_name=(msg.name or "")[:120] or None, language=first_language(msg),
                          phone=msg.phone, crafts=[], created_at=now, updated_at=now)
        session.add(artisan)
        await session.flush()
        identity = ChannelIdentity(artisan_id=artisan.id, channel=msg.channel, external_id=msg.user_id,
                                   created_at=now)
        conversation = Conversation(artisan_id=artisan.id, state=None, data={}, updated_at=now)
        session.add_all((identity, conversation))
        logger.info("new person %s on %s", artisan.id, msg.channel)
    else:
        identity, artisan, conversation = row
        if conversation is None:
            conversation = Conversation(artisan_id=artisan.id, state=None, data={}, updated_at=now)
            session.add(conversation)
        follow_language(artisan, conversation, msg)
    if msg.meta.get("set_language"):
        artisan.language = normalize_language(msg.language)
        artisan.language_chosen = True
    if identity.last_inbound_at is None or now - identity.last_inbound_at >= INBOUND_PRECISION:
        identity.last_inbound_at = now  # (the 24-hour window needs no finer time: one write saved per message)
    if identity.unreachable_since is not None:  # (set only when it changes: an untouched row needs no flush)
        identity.unreachable_since = None
    if msg.name and not artisan.display_name:
        artisan.display_name = msg.name[:120]
    return artisan, identity, conversation
