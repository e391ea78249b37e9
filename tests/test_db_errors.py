"""A failing statement's error (logged with its traceback) carries no SQL parameter values: no names,
phones or message texts in the logs."""

from __future__ import annotations

import traceback

import pytest
from sqlalchemy.exc import IntegrityError

from bot.app import App
from db.models import Organizer

SECRET_NAME = "Sari Rahayu 6281234567890"


async def test_a_failing_statement_does_not_show_its_parameters(app: App) -> None:
    async with app.sessionmaker() as session, session.begin():
        session.add(Organizer(key="dinas-x", name="Dinas X"))
    with pytest.raises(IntegrityError) as caught:
        async with app.sessionmaker() as session, session.begin():
            session.add(Organizer(key="dinas-x", name=SECRET_NAME, contact="0812-9999-0000"))
    text = "".join(traceback.format_exception(caught.value))
    assert "organizers" in text  # the statement is still there to debug with
    assert SECRET_NAME not in text and "0812-9999-0000" not in text
