"""Dialogue corpus fixtures: a person chatting on the console (fast), or on every channel (console, Telegram,
WhatsApp) for the flows that change data: registration, cancellation, deletion."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.channels import CHANNELS, ChannelChat, chatting
from tests.conftest import Clock


@pytest.fixture(params=CHANNELS)
async def anywhere(request: pytest.FixtureRequest, database_url: str, clock: Clock) -> AsyncIterator[ChannelChat]:
    """One person on each channel in turn (with the demo catalogue)."""
    async with chatting(request.param, database_url, clock) as chat:
        yield chat


@pytest.fixture
async def console(database_url: str, clock: Clock) -> AsyncIterator[ChannelChat]:
    """One person on the console (with the demo catalogue)."""
    async with chatting("console", database_url, clock) as chat:
        yield chat
