"""The organizers' side of `kriya serve`: what the console and the API share, and their routes."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from itsdangerous import URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App
from db.models import WebSecret

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
SIGNING_KEY = "cookie_signing"  # the WebSecret row holding the cookies' signing key


async def shared_secret(session: AsyncSession, name: str) -> str:
    """The secret `name`, made on first use; two processes making it at once both get the one row."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    await session.execute(dialect.insert(WebSecret).values(name=name, value=secrets.token_urlsafe(48))
                          .on_conflict_do_nothing(index_elements=["name"]))
    return str(await session.scalar(select(WebSecret.value).where(WebSecret.name == name)))


@dataclass
class Side:
    """The app plus what the organizers' side adds: scoped sessions and the cookie signer (made lazily)."""

    app: App
    scoped_maker: async_sessionmaker[AsyncSession]
    _signer: URLSafeSerializer | None = field(default=None, repr=False)

    async def signer(self) -> URLSafeSerializer:
        if self._signer is None:
            async with self.app.sessionmaker() as session, session.begin():
                key = await shared_secret(session, SIGNING_KEY)
            self._signer = URLSafeSerializer(key, salt="kriya-console")
        return self._signer
