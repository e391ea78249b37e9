"""Settings read from the environment (and a .env file): the only module that reads os.environ."""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dotenv import load_dotenv

if TYPE_CHECKING:
    from bot.services.reminders import Policy

logger = logging.getLogger(__name__)

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///kriya.db"
_OFFSET_RE = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class ConfigError(ValueError):
    """A setting has a value Kriya cannot use."""


def parse_offsets(value: str) -> tuple[timedelta, ...]:
    """Parse reminder offsets such as '3d,1d,2h' into timedeltas, largest first."""
    offsets = []
    for part in filter(None, (p.strip() for p in value.split(","))):
        match = _OFFSET_RE.match(part)
        if not match or int(match.group(1)) == 0:
            raise ConfigError(f"KRIYA_REMINDER_OFFSETS: '{part}' is not like 3d, 1d or 2h")
        offsets.append(timedelta(**{_UNITS[match.group(2)]: int(match.group(1))}))
    return tuple(sorted(set(offsets), reverse=True))


def parse_quiet_hours(value: str) -> tuple[int, int] | None:
    """Parse '21-07' into (21, 7); empty means no quiet hours."""
    value = value.strip()
    if not value:
        return None
    match = re.fullmatch(r"(\d{1,2})\s*-\s*(\d{1,2})", value)
    if not match or not all(0 <= int(g) <= 23 for g in match.groups()) or match.group(1) == match.group(2):
        raise ConfigError(f"KRIYA_QUIET_HOURS: '{value}' is not like 21-07")
    return int(match.group(1)), int(match.group(2))


def _positive_float(name: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if number <= 0:
        raise ConfigError(f"{name}: '{value}' is not a positive number")
    return number


def _json_object(name: str, value: str) -> dict[str, Any]:
    if not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError as error:
        raise ConfigError(f"{name}: not valid JSON ({error.msg})") from None
    if not isinstance(parsed, dict):
        raise ConfigError(f"{name}: expected a JSON object")
    return parsed


def _template(name: str, params: list[str], quick_replies: int, header: str | None = None) -> dict[str, Any]:
    template = {"name": name, "language": {"id": "id", "en": "en"}, "params": params, "quick_replies": quick_replies}
    return {**template, "header": header} if header else template


# The templates of the questions and notices Kriya sends by itself after registration (issue 15), by their kind:
# sent outside WhatsApp's 24-hour window under these names unless WHATSAPP_TEMPLATES says otherwise for the kind
# (another entry, or null: then the kind goes as its outbox kind's template, "notice"). Their bodies and buttons,
# to submit to Meta: docs/whatsapp.md. Parameters: bot/proactive_texts.py template_params.
DEFAULT_WHATSAPP_TEMPLATES: dict[str, Any] = {
    "confirm": _template("kriya_confirm", ["training", "when", "place", "registration"], 2),
    "offer": _template("kriya_seat_offer", ["training", "when", "until"], 2),
    "feedback": _template("kriya_feedback", ["training"], 5),
    "absence": _template("kriya_absence", ["training"], 5),
    "followup": _template("kriya_followup", ["months", "training"], 4),
    "certificate": _template("kriya_certificate", ["training", "link"], 0, header="document"),  # the PDF itself
}


@dataclass(frozen=True)
class Settings:
    """Everything Kriya reads from its environment, with the defaults of contracts.md."""

    database_url: str = DEFAULT_DATABASE_URL
    telegram_bot_token: str | None = None
    telegram_api_base_url: str | None = None
    telegram_webhook_secret: str | None = None
    whatsapp_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_api_base_url: str = "https://graph.facebook.com/v21.0"
    reminder_offsets: tuple[timedelta, ...] = field(
        default_factory=lambda: (timedelta(days=3), timedelta(days=1), timedelta(hours=2))
    )
    scheduler_interval: float = 30.0
    quiet_hours: tuple[int, int] | None = (21, 7)
    seat_offer_hours: float = 24.0  # how long a seat offered to the first on the waitlist waits for their answer
    port: int = 8000
    telegram_rate: float = 30.0  # messages per second overall (Telegram's broadcast limit)
    telegram_chat_rate: float = 1.0  # messages per second in one chat
    whatsapp_rate: float = 60.0  # messages per second for the phone number
    outbox_lease: float = 120.0  # seconds before a row claimed by a sender that died is taken over
    # Approved WhatsApp templates for proactive messages outside the 24-hour window, by message kind:
    # {"reminder": {"name": "kriya_reminder", "language": {"id": "id", "en": "en_US"}}, ...}
    whatsapp_templates: dict[str, Any] = field(default_factory=dict)
    public_url: str = "http://localhost:8000"  # the web side's address as people reach it (links in messages)

    @property
    def templates(self) -> dict[str, Any]:
        """The WhatsApp templates in force: the defaults, replaced kind by kind by WHATSAPP_TEMPLATES."""
        return {**DEFAULT_WHATSAPP_TEMPLATES, **self.whatsapp_templates}

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @cached_property
    def policy(self) -> Policy:
        """When proactive messages go (reminder offsets, quiet hours): built once, given to every service."""
        from bot.services.reminders import Policy

        return Policy(offsets=self.reminder_offsets, quiet_hours=self.quiet_hours,
                      seat_offer=timedelta(hours=self.seat_offer_hours), public_url=self.public_url)


def load_settings(env: dict[str, str] | None = None, dotenv_path: Path | None = None) -> Settings:
    """Build Settings from `env` (default: os.environ after loading .env)."""
    if env is None:
        load_dotenv(dotenv_path or Path.cwd() / ".env", override=False)
        env = dict(os.environ)

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    return Settings(
        database_url=get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
        telegram_api_base_url=get("TELEGRAM_API_BASE_URL"),
        telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
        whatsapp_token=get("WHATSAPP_TOKEN"),
        whatsapp_phone_number_id=get("WHATSAPP_PHONE_NUMBER_ID"),
        whatsapp_app_secret=get("WHATSAPP_APP_SECRET"),
        whatsapp_verify_token=get("WHATSAPP_VERIFY_TOKEN"),
        whatsapp_api_base_url=(get("WHATSAPP_API_BASE_URL") or Settings.whatsapp_api_base_url).rstrip("/"),
        reminder_offsets=parse_offsets(env.get("KRIYA_REMINDER_OFFSETS", "3d,1d,2h")),
        scheduler_interval=_positive_float("KRIYA_SCHEDULER_INTERVAL", env.get("KRIYA_SCHEDULER_INTERVAL", "30")),
        quiet_hours=parse_quiet_hours(env.get("KRIYA_QUIET_HOURS", "21-07")),
        seat_offer_hours=_positive_float("KRIYA_SEAT_OFFER_HOURS", env.get("KRIYA_SEAT_OFFER_HOURS", "24")),
        port=int(_positive_float("PORT", env.get("PORT", "8000"))),
        telegram_rate=_positive_float("KRIYA_TELEGRAM_RATE", env.get("KRIYA_TELEGRAM_RATE", "30")),
        telegram_chat_rate=_positive_float("KRIYA_TELEGRAM_CHAT_RATE", env.get("KRIYA_TELEGRAM_CHAT_RATE", "1")),
        whatsapp_rate=_positive_float("KRIYA_WHATSAPP_RATE", env.get("KRIYA_WHATSAPP_RATE", "60")),
        outbox_lease=_positive_float("KRIYA_OUTBOX_LEASE", env.get("KRIYA_OUTBOX_LEASE", "120")),
        whatsapp_templates=_json_object("WHATSAPP_TEMPLATES", env.get("WHATSAPP_TEMPLATES", "")),
        public_url=(get("KRIYA_PUBLIC_URL") or Settings.public_url).rstrip("/"),
    )
