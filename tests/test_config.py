"""Settings from the environment, with the defaults of contracts.md."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import ConfigError, load_settings, parse_offsets, parse_quiet_hours


def test_defaults_follow_the_contract() -> None:
    settings = load_settings(env={})
    assert settings.database_url == "sqlite+aiosqlite:///kriya.db"
    assert settings.reminder_offsets == (timedelta(days=3), timedelta(days=1), timedelta(hours=2))
    assert settings.scheduler_interval == 30
    assert settings.quiet_hours == (21, 7)
    assert settings.telegram_bot_token is None and settings.whatsapp_token is None


def test_values_are_read_from_the_environment() -> None:
    settings = load_settings(
        env={
            "DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "KRIYA_REMINDER_OFFSETS": "90m, 2d",
            "KRIYA_QUIET_HOURS": "",
            "KRIYA_SCHEDULER_INTERVAL": "5",
            "WHATSAPP_API_BASE_URL": "http://127.0.0.1:9/v21.0/",
        }
    )
    assert settings.database_url.startswith("postgresql")
    assert not settings.is_sqlite
    assert settings.reminder_offsets == (timedelta(days=2), timedelta(minutes=90))
    assert settings.quiet_hours is None
    assert settings.scheduler_interval == 5
    assert settings.whatsapp_api_base_url == "http://127.0.0.1:9/v21.0"


def test_dotenv_file_is_read(tmp_path, monkeypatch) -> None:
    (tmp_path / ".env").write_text("KRIYA_QUIET_HOURS=22-06\n")
    monkeypatch.delenv("KRIYA_QUIET_HOURS", raising=False)
    assert load_settings(dotenv_path=tmp_path / ".env").quiet_hours == (22, 6)


@pytest.mark.parametrize("value", ["3x", "0d", "d", "1d,,abc"])
def test_bad_offsets_are_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="KRIYA_REMINDER_OFFSETS"):
        parse_offsets(value)


@pytest.mark.parametrize("value", ["25-07", "21", "7-7", "ab-cd"])
def test_bad_quiet_hours_are_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="KRIYA_QUIET_HOURS"):
        parse_quiet_hours(value)


def test_bad_interval_is_refused() -> None:
    with pytest.raises(ConfigError, match="KRIYA_SCHEDULER_INTERVAL"):
        load_settings(env={"KRIYA_SCHEDULER_INTERVAL": "-1"})


def test_settings_make_the_policy_once() -> None:
    settings = load_settings(env={"KRIYA_REMINDER_OFFSETS": "5h,1d", "KRIYA_QUIET_HOURS": "22-06"})
    assert settings.policy is settings.policy
    assert settings.policy.offsets == (timedelta(days=1), timedelta(hours=5))
    assert settings.policy.quiet_hours == (22, 6)
