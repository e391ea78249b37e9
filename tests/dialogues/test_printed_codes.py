"""Codes as organizers print them: imported, found when typed (any case), and registered for by button, on every
channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.services.catalogue import import_rows, read_rows
from db.models import Training
from tests.channels import ChannelChat, form_step
from tests.test_catalogue_import import HEADER, good

CODES = ["UJIBAR-BALI", "UJIREG-1", "UKIRJEPARA-2027", "BTK.YK/2027", "tenun_ntt_03"]


async def import_codes(chat: ChannelChat, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    path.write_text(HEADER + "".join(good(code, starts_at="2026-12-20T09:00", ends_at="2026-12-21T16:00",
                                          registration_deadline="2026-12-18") for code in CODES))
    async with chat.app.sessionmaker() as session, session.begin():
        report = await import_rows(session, read_rows(path))
    assert report.errors == []


@pytest.mark.parametrize("typed", ["UJIBAR-BALI", "ujireg-1", "info UKIRJEPARA-2027", "kode BTK.YK/2027",
                                   "daftar TENUN_NTT_03"])
async def test_any_printed_code_is_found_and_registered_for(anywhere: ChannelChat, tmp_path: Path,
                                                            typed: str) -> None:
    await import_codes(anywhere, tmp_path)
    text = await anywhere.say(typed)
    if not (await form_step(anywhere) or "").startswith("reg"):
        wanted = next(code for code in CODES if code.casefold() in typed.casefold())
        assert wanted.upper() in text.upper()  # the detail of that training
        await anywhere.tap("Daftar")
    assert (await form_step(anywhere) or "").startswith("reg")  # the registration form has started
    async with anywhere.app.sessionmaker() as session:
        stored = set((await session.execute(select(Training.code))).scalars())
    assert {code.upper() for code in CODES} <= stored
