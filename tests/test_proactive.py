"""Proactive messages (notices, reminders, announcements) wait for the end of quiet hours in the person's zone,
and their wording uses only msgids the English catalogue translates."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import func, select, update

from bot.app import App
from bot.regions import WIT, zone_of
from bot.services.announcements import announce_new
from bot.services.catalogue import import_rows
from bot.services.registrations import Registrations
from bot.services.reminders import Policy, fire_due
from db.models import Artisan, OutboxMessage, Registration, Reminder, Training
from tests.conftest import Chat, Clock
from tests.test_registration_chat import fill_form

POLICY = Policy()
ROOT = Path(__file__).resolve().parent.parent
EVENING = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 20.00 WIB (not quiet), 22.00 WIT (quiet)
NEXT_MORNING_WIT = datetime(2026, 11, 24, 7, 0, tzinfo=WIT.zone)


async def outbox(app: App, kind: str) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        return list((await session.execute(query)).scalars())


async def register_in_jayapura(app: App, code: str = "BTK-YK-01") -> Chat:
    """Someone living in Jayapura (WIT) registers for a training in Yogyakarta (WIB)."""
    chat = Chat(app, user="jayapura-2", name="Yance")
    await fill_form(chat, code, name="Yance Wenda", phone="0812 9999 2222", crafts=("Batik",),
                    region="Kota Jayapura", business=None)
    await chat.tap("Ya, daftar")
    return chat


async def move_a_day_later(app: App, clock: Clock, code: str = "BTK-YK-01", policy: Policy = POLICY) -> None:
    """The organizer's catalogue moves the training one day later."""
    async with app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == code))).scalar_one()
        row = {c: getattr(training, c) for c in ("code", "title", "craft", "province", "regency", "venue", "mode",
                                                 "fee", "contact", "description", "quota")}
        later = training.starts_at.astimezone(zone_of(training.province).zone) + timedelta(days=1)
        row.update(organizer="BBSPJIKB", starts_at=f"{later:%Y-%m-%dT%H:%M}",
                   ends_at=f"{later + timedelta(days=2):%Y-%m-%dT%H:%M}")
        report = await import_rows(session, [(2, row)], now=clock(), policy=policy)
    assert report.moved


async def test_a_notice_in_quiet_hours_waits_for_the_persons_morning(demo_app: App, clock: Clock) -> None:
    await register_in_jayapura(demo_app)
    clock.now = EVENING
    await move_a_day_later(demo_app, clock)
    [notice] = await outbox(demo_app, "notice")
    assert notice.not_before == NEXT_MORNING_WIT


async def test_a_notice_keeps_the_configured_quiet_hours(demo_app: App, clock: Clock) -> None:
    await register_in_jayapura(demo_app)
    clock.now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 20.00 WIT: quiet only from 19.00
    await move_a_day_later(demo_app, clock, policy=Policy(quiet_hours=(19, 6)))
    [notice] = await outbox(demo_app, "notice")
    assert notice.not_before == datetime(2026, 11, 24, 6, 0, tzinfo=WIT.zone)


async def fire_first_reminder_at_night(app: App, clock: Clock) -> datetime:
    """Kriya was down: the first reminder is still worth sending, but it is 22.00 in Jayapura now.
    Returns the morning it waits for."""
    async with app.sessionmaker() as session, session.begin():
        first = (await session.execute(select(Reminder).order_by(Reminder.due_at).limit(1))).scalar_one()
        # no confirmation question: the reminder goes alone (with it: tests/dialogues/test_reminder_with_question.py)
        await session.execute(update(Training).where(Training.id == first.training_id).values(confirm_days=0))
    day = first.due_at.astimezone(WIT.zone).date()
    clock.now = datetime.combine(day, time(22), tzinfo=WIT.zone)
    async with app.sessionmaker() as session, session.begin():
        counts = await fire_due(session, clock(), POLICY)
    assert counts["expired"] == 0
    return datetime.combine(day + timedelta(days=1), time(7), tzinfo=WIT.zone)


async def test_a_late_reminder_in_quiet_hours_waits_for_the_persons_morning(demo_app: App, clock: Clock) -> None:
    await register_in_jayapura(demo_app)
    morning = await fire_first_reminder_at_night(demo_app, clock)
    [row] = await outbox(demo_app, "reminder")
    assert row.not_before == morning and row.status == "pending"


async def test_a_reminder_waiting_for_the_morning_is_taken_back_on_cancelling(demo_app: App, clock: Clock) -> None:
    chat = await register_in_jayapura(demo_app)
    await fire_first_reminder_at_night(demo_app, clock)
    await chat.say("batal daftar")
    await chat.tap("Ya, batalkan")
    assert await outbox(demo_app, "reminder") == []
    async with demo_app.sessionmaker() as session:
        statuses = set((await session.execute(select(Reminder.status).join(Artisan).where(
            Artisan.is_demo.is_(False)))).scalars())
    assert statuses == {"dropped"}


async def test_a_reminder_waiting_for_the_morning_is_planned_again_when_the_training_moves(
        demo_app: App, clock: Clock) -> None:
    await register_in_jayapura(demo_app)
    await fire_first_reminder_at_night(demo_app, clock)
    await move_a_day_later(demo_app, clock)
    assert await outbox(demo_app, "reminder") == []
    async with demo_app.sessionmaker() as session:
        statuses = list((await session.execute(select(Reminder.status).join(Artisan).where(
            Artisan.is_demo.is_(False)))).scalars())
    assert statuses == ["pending"] * 3


async def subscriber_in_jayapura_hears_of_a_new_training(app: App, clock: Clock) -> None:
    """A subscriber living in Jayapura (WIT) is told of a new batik training in Yogyakarta (WIB) at EVENING."""
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Training).values(announced_at=clock()))  # the demo catalogue is old news
    subscriber = Chat(app, user="sub-wit", name="Papua")
    await subscriber.send(payload="sub:batik:")
    async with app.sessionmaker() as session, session.begin():
        await session.execute(update(Artisan).where(Artisan.display_name == "Papua")
                              .values(province="91", regency="91.71"))
        rows = [(2, {"code": "BTK-2702-YK", "title": "Batik cap", "craft": "batik", "organizer": "BBSPJIKB",
                     "province": "34", "regency": "34.71", "venue": "Balai", "mode": "offline",
                     "starts_at": "2027-01-11T08:00", "ends_at": "2027-01-15T16:00", "fee": "0",
                     "registration_deadline": "2027-01-04", "contact": "kantor", "description": "Batik cap."})]
        await import_rows(session, rows, now=clock(), policy=POLICY)
    clock.now = EVENING
    async with app.sessionmaker() as session, session.begin():
        assert await announce_new(session, clock(), POLICY) == 1


async def test_an_announcement_in_quiet_hours_waits_for_the_persons_morning(demo_app: App, clock: Clock) -> None:
    await subscriber_in_jayapura_hears_of_a_new_training(demo_app, clock)
    [row] = await outbox(demo_app, "announcement")
    assert row.not_before == NEXT_MORNING_WIT


async def test_a_deadline_reminder_waiting_for_the_morning_is_taken_back_on_registering(demo_app: App,
                                                                                      clock: Clock) -> None:
    await subscriber_in_jayapura_hears_of_a_new_training(demo_app, clock)
    async with demo_app.sessionmaker() as session:
        deadline = (await session.execute(select(Reminder).where(Reminder.kind == "deadline"))).scalar_one()
    clock.now = deadline.due_at  # 23.59 WIB is 01.59 WIT: quiet hours in Jayapura
    async with demo_app.sessionmaker() as session, session.begin():
        assert (await fire_due(session, clock(), POLICY))["postponed"] == 1
    assert len(await outbox(demo_app, "reminder")) == 1
    async with demo_app.sessionmaker() as session, session.begin():
        await Registrations(session, clock(), POLICY).register(deadline.artisan_id, deadline.training_id)
    assert await outbox(demo_app, "reminder") == []
    clock.advance(hours=6)
    async with demo_app.sessionmaker() as session, session.begin():
        assert (await fire_due(session, clock(), POLICY))["dropped"] == 1


def _msgids(path: Path) -> set[str]:
    """The string literals passed to `_()` in one module."""
    return {
        node.args[0].value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
    }


def test_every_proactive_text_is_translated_into_english() -> None:
    used = _msgids(ROOT / "bot" / "proactive_texts.py")
    with (ROOT / "locales" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        translated = {str(m.id) for m in read_po(handle) if m.id and m.string and not m.fuzzy}
    assert len(used) > 10
    assert used - translated == set()


async def test_a_promotion_notice_keeps_the_configured_quiet_hours(demo_app: App, clock: Clock) -> None:
    """A seat freed at 20.00 in Jayapura, with quiet hours from 19.00: the promoted person hears at 06.00."""
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        taken = await session.scalar(select(func.count()).select_from(Registration).where(
            Registration.training_id == training.id, Registration.status == "registered"))
        training.quota = (taken or 0) + 1  # one seat left
    first = Chat(demo_app, user="jogja-1", name="Sri")
    await fill_form(first, "BTK-YK-01", name="Sri Rahayu", phone="0812 1111 3333", crafts=("Batik",),
                    region="Sleman", business=None)
    await first.tap("Ya, daftar")
    await register_in_jayapura(demo_app)  # waitlisted
    clock.now = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 20.00 WIT
    async with demo_app.sessionmaker() as session, session.begin():
        sri = (await session.execute(select(Artisan).where(Artisan.full_name == "Sri Rahayu"))).scalar_one()
        registrations = Registrations(session, clock(), Policy(quiet_hours=(19, 6)))
        code = next(r.code for r in await registrations.upcoming_for(sri.id))
        assert await registrations.cancel(sri.id, code) is not None
    [notice] = await outbox(demo_app, "notice")
    assert notice.not_before == datetime(2026, 11, 24, 6, 0, tzinfo=WIT.zone)
