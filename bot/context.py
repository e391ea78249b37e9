"""What a handler gets besides the message: the person, their conversation state and the services."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.regions import zone_of

if TYPE_CHECKING:
    from bot.nlu import Understanding
    from bot.services.registry import Services
    from db.models import Artisan

logger = logging.getLogger(__name__)


@dataclass
class ConversationState:
    """The form being filled (`name`, `data`) and what the person saw last (`memory`)."""

    name: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)

    def enter(self, name: str, **data: Any) -> None:
        self.name = name
        self.data = dict(data)

    def clear(self) -> None:
        self.name = None
        self.data = {}

    def dump(self) -> dict[str, Any]:
        return {"form": self.data, "memory": self.memory}

    @classmethod
    def load(cls, name: str | None, stored: dict[str, Any] | None) -> ConversationState:
        stored = stored or {}
        return cls(name=name, data=dict(stored.get("form") or {}), memory=dict(stored.get("memory") or {}))


@dataclass
class HandlerContext:
    person: Artisan
    state: ConversationState
    services: Services
    now: datetime
    understanding: Understanding | None = None
    args: list[str] = field(default_factory=list)  # payload or command arguments

    @property
    def language(self) -> str:
        return self.person.language

    @property
    def today(self) -> date:
        """Today in the person's zone (their province, WIB when unknown)."""
        return self.now.astimezone(zone_of(self.person.province).zone).date()
