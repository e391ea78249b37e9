"""Reminders, announcements and broadcasts with a controllable clock: planning, quiet hours, time zones,
re-planning, cancellation, expiry, the scheduler lease."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.app import App
from bot.regions import WIB, WIT, WITA
from bot.scheduler import Scheduler
from bot.services.announcements import Audience, audience, schedule_broadcast
from bot.services.catalogue import import_rows
from bot.services.reminders import Policy, fire_due
from bot.services.timing import allowed_time, in_quiet_hours
from db.models import Artisan, OutboxMessage, Registration, Reminder, Training
from tests.conftest import Chat, Clock
from tests.test_registration_chat import fill_form

POLICY = Policy()


def test_quiet_hours_move_to_the_morning_in_the_persons_zone() -> None:
    evening = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # 21.00 WIB, 22.00 WITA, 23.00 WIT
    assert in_quiet_hours(evening, WIB.zone, (21, 7))
    assert not in_quiet_hours(evening - timedelta(hours=1), WIB.zone, (21, 7))
    assert allowed_time(evening, WIT.zone, (21, 7)) == datetime(2026, 12, 2, 7, 0, tzinfo=WIT.zone)
    assert allowed_time(evening, WIB.zone, None) == evening
    # The morning would be after the start: the evening before the quiet hours instead.
    latest = datetime(2026, 12, 2, 6, 30, tzinfo=WITA.zone)
    assert allowed_time(evening, WITA.zone, (21, 7), latest=latest) == datetime(2026, 12, 1, 20, 59, tzinfo=WITA.zone)
    assert allowed_time(datetime(2026, 12, 1, 8, 0, tzinfo=WIB.zone), WIB.zone, (21, 7)) == datetime(
        2026, 12, 1, 8, 0, tzinfo=WIB.zone)


async def reminders(app: App) -> list[Reminder]:
    async with app.sessionmaker() as session:
        return list((await session.execute(select(Reminder).order_by(Reminder.due_at))).scalars())


async def outbox(app: App, kind: str | None = None) -> list[OutboxMessage]:
    async with app.sessionmaker() as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list((await session.execute(query)).scalars())


_schedulers: dict[int, Scheduler] = {}


async def run_scheduler(app: App) -> dict[str, int] | None:
    """One pass of the app's (single) scheduler."""
    scheduler = _schedulers.setdefault(id(app), Scheduler(app.sessionmaker, app.clock, POLICY, 30))
    return await scheduler.run_pass()


async def test_registering_plans_three_reminders_at_the_offsets(chat: Chat, demo_app: App) -> None:
    await fill_form(chat, "PRK-GNR-01")  # Celuk, Bali: starts Wednesday 9 December 08.30 WITA
    await chat.tap("Ya, daftar")
    planned = await reminders(demo_app)
    starts = datetime(2026, 12, 9, 8, 30, tzinfo=WITA.zone)
    # The artisan lives in Sleman (WIB): 3 days and 1 day before are 07.30 WIB; 2 hours before is 05.30 WIB,
    # in the quiet hours, and the morning (07.00 WIB = 08.00 WITA) is still before the start.
    assert [r.due_at for r in planned] == [starts - timedelta(days=3), starts - timedelta(days=1),
                                           datetime(2026, 12, 9, 7, 0, tzinfo=WIB.zone)]
    assert all(r.status == "pending" for r in planned)


async def test_a_reminder_fires_once_in_the_persons_language_with_the_trainings_zone(demo_app: App,
                                                                                     clock: Clock) -> None:
    chat = Chat(demo_app, user="jayapura-1", name="Yance")
    await fill_form(chat, "ANY-JAP-01", name="Yance Wenda", phone="0812 9999 1111", crafts=("Anyaman",),
                    region="Kota Jayapura", business=None)  # Jayapura: WIT
    await chat.tap("Ya, daftar")
    [first, *_rest] = await reminders(demo_app)
    clock.now = first.due_at + timedelta(minutes=1)
    counts = await run_scheduler(demo_app)
    # 3 days before: it goes as part of the confirmation question, one message (bot/services/asking.py)
    assert counts is not None and counts["queued"] == 0 and counts["reminders_joined"] == 1
    again = await run_scheduler(demo_app)  # idempotent
    assert again is not None and again["queued"] == 0 and again["confirm_asked"] == 0
    assert await outbox(demo_app, "reminder") == []
    [row] = await outbox(demo_app, "notice")
    assert row.dedupe_key.startswith("confirm:") and "cf:" in row.body["buttons"][0]["payload"]
    assert "Pengingat: Pelatihan Anyaman Noken" in row.body["text"]
    assert "pukul 09.00 WIT" in row.body["text"] and "dalam 3 hari" in row.body["text"]
    assert row.expires_at is not None


async def test_missed_reminders_go_late_only_while_useful(chat: Chat, demo_app: App, clock: Clock) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    three_days, one_day, two_hours = await reminders(demo_app)
    # Kriya was down for a day: the 3-day reminder is 1 day late (less than half its offset): it still goes (with
    # the confirmation question, asked late too).
    clock.now = three_days.due_at + timedelta(days=1)
    counts = await run_scheduler(demo_app)
    assert counts is not None and counts["reminders_joined"] == 1 and counts["confirm_asked"] == 1
    clock.now = one_day.due_at + timedelta(minutes=5)
    counts = await run_scheduler(demo_app)
    assert counts is not None and counts["queued"] == 1
    # Down until after the start: the last one expires, nothing is sent after the training started.
    clock.now = two_hours.due_at + timedelta(hours=3)
    counts = await run_scheduler(demo_app)
    assert counts is not None and counts["expired"] == 1 and counts["queued"] == 0
    statuses = [r.status for r in await reminders(demo_app)]
    assert statuses == ["merged", "queued", "expired"]


async def test_a_reminder_too_late_is_expired(chat: Chat, demo_app: App, clock: Clock) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    three_days, *_ = await reminders(demo_app)
    clock.now = three_days.due_at + timedelta(days=1, hours=13)  # more than half of 3 days late
    await run_scheduler(demo_app)
    assert (await reminders(demo_app))[0].status == "expired"


async def test_cancelling_drops_the_reminders(chat: Chat, demo_app: App) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    await chat.say("batal daftar")
    await chat.tap("Ya, batalkan")
    assert {r.status for r in await reminders(demo_app)} == {"dropped"}


async def test_moving_a_training_replans_and_tells_the_registrant(chat: Chat, demo_app: App, clock: Clock) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        row = {c: getattr(training, c) for c in ("code", "title", "craft", "province", "regency", "venue", "mode",
                                                 "fee", "contact", "description", "quota")}
        row.update(organizer="BBSPJIKB", starts_at="2026-12-13T08:00", ends_at="2026-12-17T16:00",
                   registration_deadline="2026-12-08")
        report = await import_rows(session, [(2, row)], now=clock(), policy=POLICY)
    assert report.moved
    pending = [r for r in await reminders(demo_app) if r.status == "pending"]
    assert pending[0].due_at == datetime(2026, 12, 10, 8, 0, tzinfo=WIB.zone)
    [notice] = await outbox(demo_app, "notice")
    assert "berubah" in notice.body["text"] and "Minggu, 13 Desember 2026 pukul 08.00 WIB" in notice.body["text"]


async def test_cancelling_a_training_drops_reminders_and_registrations(chat: Chat, demo_app: App,
                                                                       clock: Clock) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    async with demo_app.sessionmaker() as session, session.begin():
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        row = {c: getattr(training, c) for c in ("code", "title", "craft", "province", "regency", "venue", "mode",
                                                 "fee", "contact", "description", "quota", "starts_at", "ends_at")}
        row.update(organizer="BBSPJIKB", status="cancelled")
        await import_rows(session, [(2, row)], now=clock(), policy=POLICY)
    assert {r.status for r in await reminders(demo_app)} == {"dropped"}
    notices = await outbox(demo_app, "notice")
    assert any("dibatalkan oleh penyelenggara" in n.body["text"] for n in notices)


async def test_only_one_scheduler_leads(demo_app: App, clock: Clock) -> None:
    first = Scheduler(demo_app.sessionmaker, demo_app.clock, POLICY, 30)
    second = Scheduler(demo_app.sessionmaker, demo_app.clock, POLICY, 30)
    assert await first.run_pass() is not None
    assert await second.run_pass() is None
    clock.advance(seconds=200)  # the first died: its lease runs out and the second takes over
    assert await second.run_pass() is not None
    assert await first.run_pass() is None
    await second.release()
    assert await first.run_pass() is not None


async def test_new_trainings_are_announced_once_to_matching_subscribers(demo_app: App, clock: Clock) -> None:
    async with demo_app.sessionmaker() as session, session.begin():
        await session.execute(update(Training).values(announced_at=clock()))  # the demo catalogue is old news
    batik_jogja = Chat(demo_app, user="sub-1", name="A")
    await batik_jogja.send(payload="sub:batik:34")
    tenun_anywhere = Chat(demo_app, user="sub-2", name="B")
    await tenun_anywhere.send(payload="sub:tenun:")
    stopped = Chat(demo_app, user="sub-3", name="C")
    await stopped.send(payload="sub:batik:")
    await stopped.say("STOP")
    async with demo_app.sessionmaker() as session, session.begin():
        rows = [(2, {"code": "BTK-2701-YK", "title": "Batik tulis lanjutan", "craft": "batik",
                     "organizer": "BBSPJIKB", "province": "34", "regency": "34.71", "venue": "Balai",
                     "mode": "offline", "starts_at": "2027-01-11T08:00", "ends_at": "2027-01-15T16:00",
                     "registration_deadline": "2027-01-04", "fee": "0", "contact": "kantor",
                     "description": "Kelas lanjutan."})]
        await import_rows(session, rows, now=clock(), policy=POLICY)
    clock.now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 22.00 WIB: quiet hours
    assert (await run_scheduler(demo_app))["announced"] == 1  # type: ignore[index]
    assert (await run_scheduler(demo_app))["announced"] == 0  # type: ignore[index]
    [row] = await outbox(demo_app, "announcement")
    assert row.external_id == "sub-1" and "Batik tulis lanjutan" in row.body["text"]
    assert row.not_before == datetime(2026, 11, 24, 7, 0, tzinfo=WIB.zone)  # the morning after
    async with demo_app.sessionmaker() as session:
        deadline = (await session.execute(select(Reminder).where(Reminder.kind == "deadline"))).scalar_one()
    assert deadline.due_at == datetime(2027, 1, 3, 23, 59, tzinfo=WIB.zone)
    # The subscriber registers before the deadline: the deadline reminder is dropped when due.
    clock.now = deadline.due_at + timedelta(minutes=1)
    async with demo_app.sessionmaker() as session, session.begin():
        person = (await session.execute(select(Artisan).where(Artisan.display_name == "A"))).scalar_one()
        training = (await session.execute(select(Training).where(Training.code == "BTK-2701-YK"))).scalar_one()
        session.add(Registration(code="KR-TEST01", training_id=training.id, artisan_id=person.id,
                                 status="registered", created_at=clock()))
    counts = await run_scheduler(demo_app)
    assert counts is not None and counts["dropped"] == 1


async def test_broadcast_audiences_and_quiet_hours(demo_app: App, clock: Clock) -> None:
    jogja = Chat(demo_app, user="b-1", name="Jogja")
    await fill_form(jogja)  # batik and tenun, Sleman
    await jogja.tap("Ya, daftar")
    papua = Chat(demo_app, user="b-2", name="Papua")
    await papua.send(payload="sub:anyaman:91")
    async with demo_app.sessionmaker() as session:
        assert [p.display_name for p in await audience(session, Audience(craft="batik"))] == ["Jogja"]
        assert [p.display_name for p in await audience(session, Audience(region="91"))] == ["Papua"]
        assert [p.display_name for p in await audience(session, Audience(training_code="btk-yk-01"))] == ["Jogja"]
        assert len(await audience(session, Audience())) == 2
    send_at = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # 20.30 WIB, 22.30 WIT
    async with demo_app.sessionmaker() as session, session.begin():
        broadcast = await schedule_broadcast(session, "Pameran akhir tahun!", Audience(), send_at, clock(), POLICY)
    assert broadcast.recipients == 2
    rows = {r.external_id: r for r in await outbox(demo_app, "broadcast")}
    assert rows["b-1"].not_before == send_at
    assert rows["b-2"].not_before == datetime(2026, 11, 25, 7, 0, tzinfo=WIT.zone)


async def test_fire_due_is_safe_to_run_twice(chat: Chat, demo_app: App, clock: Clock) -> None:
    await fill_form(chat)
    await chat.tap("Ya, daftar")
    _three_days, one_day, _two_hours = await reminders(demo_app)  # (the first goes with the question)
    clock.now = one_day.due_at
    async with demo_app.sessionmaker() as session, session.begin():
        one = await fire_due(session, clock(), POLICY)
    async with demo_app.sessionmaker() as session, session.begin():
        two = await fire_due(session, clock(), POLICY)
    assert one["queued"] == 1 and two["queued"] == 0
    assert len(await outbox(demo_app, "reminder")) == 1


async def test_data_of_people_silent_for_two_years_is_deleted(demo_app: App, clock: Clock) -> None:
    active, silent = Chat(demo_app, user="aktif", name="Aktif"), Chat(demo_app, user="diam", name="Diam")
    await silent.say("halo")
    clock.advance(days=400)
    await active.say("halo")
    clock.advance(days=331)  # the silent one: 731 days since their last message; the active one: 331
    counts = await run_scheduler(demo_app)
    assert counts is not None and counts["purged"] == 1
    async with demo_app.sessionmaker() as session:
        names = set((await session.execute(select(Artisan.display_name).where(Artisan.is_demo.is_(False)))).scalars())
    assert names == {"Aktif"}


async def test_the_purge_keeps_a_person_who_wrote_recently_on_another_channel(demo_app: App, clock: Clock) -> None:
    """Silent for two years on one channel but not on the other: kept; never having written (no time): kept."""
    from db.models import ChannelIdentity

    both, silent = Chat(demo_app, user="dua-kanal", name="Dua"), Chat(demo_app, user="diam-saja", name="Diam")
    await both.say("halo")
    await silent.say("halo")
    clock.advance(days=731)
    async with demo_app.sessionmaker() as session, session.begin():
        person = (await session.execute(select(ChannelIdentity.artisan_id)
                                         .where(ChannelIdentity.external_id == "dua-kanal"))).scalar_one()
        session.add(ChannelIdentity(artisan_id=person, channel="telegram", external_id="77001",
                                    last_inbound_at=clock() - timedelta(days=3), created_at=clock()))
        session.add(Artisan(display_name="Belum", crafts=[], created_at=clock() - timedelta(days=900),
                            updated_at=clock() - timedelta(days=900)))
    counts = await run_scheduler(demo_app)
    assert counts is not None and counts["purged"] == 1
    async with demo_app.sessionmaker() as session:
        names = set((await session.execute(select(Artisan.display_name).where(Artisan.is_demo.is_(False)))).scalars())
    assert names == {"Dua", "Belum"}
