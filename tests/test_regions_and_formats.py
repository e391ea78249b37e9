"""Time zones by province and the Babel formats of dates, times and money."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.i18n import format_money, format_relative, format_when, use_language
from bot.regions import is_regency_of, region_name, zone_of


@pytest.mark.parametrize(
    ("code", "zone"),
    [("34", "WIB"), ("34.71", "WIB"), ("62", "WIB"), ("51.04", "WITA"), ("52", "WITA"), ("73", "WITA"),
     ("64", "WITA"), ("91.71", "WIT"), ("81", "WIT"), ("96", "WIT"), (None, "WIB")],
)
def test_zone_of_province(code: str | None, zone: str) -> None:
    assert zone_of(code).name == zone


def test_region_names_come_from_lokal() -> None:
    assert region_name("51.04") == "Kabupaten Gianyar"
    assert region_name("99") is None
    assert is_regency_of("51.04", "51") and not is_regency_of("51.04", "34")


def test_when_is_shown_in_the_zone_of_the_place() -> None:
    moment = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    with use_language("id"):
        assert format_when(moment, zone_of("51").zone, "WITA") == "Sabtu, 5 Desember 2026 pukul 09.00 WITA"
        assert format_when(moment, zone_of("91").zone, "WIT") == "Sabtu, 5 Desember 2026 pukul 10.00 WIT"
    with use_language("en"):
        assert format_when(moment, zone_of("34").zone, "WIB") == "Saturday, 5 December 2026 at 08:00 WIB"


def test_money_and_relative_time() -> None:
    with use_language("id"):
        assert format_money(150000) == "Rp150.000"
        assert format_relative(timedelta(days=3)) == "dalam 3 hari"
    with use_language("en"):
        assert format_money(1500000) == "Rp1,500,000"
        assert format_relative(timedelta(hours=2)) == "in 2 hours"
