"""The worker (scheduler and outbox together) delivers reminders through the fake Telegram Bot API."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bot.app import open_app
from bot.config import Settings
from bot.services.registrations import Registrations
from bot.worker import background, build_scheduler
from db.models import Artisan, OutboxMessage, Reminder, Training
from db.seed import seed_demo
from tests.conftest import Clock
from tests.telegram.fake_bot_api import FakeBotApi
from tests.worker.helpers import telegram_people

TOKEN = "456:WORKER"


async def test_worker_sends_a_due_reminder_to_telegram_once(database_url: str, clock: Clock, tmp_path: Path) -> None:
    fake = await FakeBotApi(TOKEN).start()
    settings = Settings(database_url=database_url, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                        scheduler_interval=0.2, quiet_hours=None)
    try:
        async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
            async with app.sessionmaker() as session, session.begin():
                await seed_demo(session, clock())
                [chat] = await telegram_people(session, 1, clock())
                person = (await session.execute(select(Artisan).where(Artisan.display_name == "Perajin 0"))).scalar_one()
                person.province, person.regency = "91", "91.71"  # Jayapura: WIT
                training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
                await Registrations(session, clock(), app.settings.policy).register(person.id, training.id)
            fake.known_chats.add(chat)
            async with app.sessionmaker() as session:
                first = (await session.execute(select(Reminder).order_by(Reminder.due_at))).scalars().first()
            assert first is not None
            clock.now = first.due_at + timedelta(seconds=1)
            async with background(app):
                await fake.wait_until(lambda: len(fake.sent(chat)) == 1, within=10)
                await asyncio.sleep(0.6)  # a few more scheduler passes: nothing more is sent
            [message] = fake.sent(chat)  # 3 days before: the reminder and the confirmation question, one message
            assert message["text"].startswith("Pengingat: Pelatihan Pewarnaan Batik")
            assert "pukul 08.00 WIB" in message["text"]  # the training's own zone
            assert "cf:" in json.dumps(message["reply_markup"])  # the question's buttons
            async with app.sessionmaker() as session:
                [row] = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind != "reply"))).scalars()
                assert (await session.get_one(Reminder, first.id)).status == "merged"
            assert row.dedupe_key.startswith("confirm:") and row.status == "sent" and row.provider_message_id
    finally:
        await fake.stop()


async def test_the_telegram_rate_limit_holds_for_a_broadcast(database_url: str, clock: Clock) -> None:
    fake = await FakeBotApi(TOKEN).start()
    settings = Settings(database_url=database_url, telegram_bot_token=TOKEN, telegram_api_base_url=fake.base_url,
                        telegram_rate=20.0, quiet_hours=None)
    try:
        async with open_app(settings, clock=clock, migrate=False, with_channels=True) as app:
            from tests.worker.helpers import broadcast_now

            async with app.sessionmaker() as session, session.begin():
                chats = await telegram_people(session, 40, clock())
                await broadcast_now(session, "Info pameran", clock())
            fake.known_chats.update(chats)
            while await app.outbox.run_once():
                pass
        stamps = sorted(c.at for c in fake.calls_to("sendMessage", ok=True))
        assert len(stamps) == 40
        worst = max(sum(1 for s in stamps if t <= s < t + 1.0) for t in stamps)
        assert worst <= 20  # never more than the limit in any second
        assert stamps[-1] - stamps[0] >= (40 - 1) / 20 - 0.05
    finally:
        await fake.stop()


async def test_worker_sends_a_reminder_on_whatsapp_as_a_template_outside_the_window(whatsapp) -> None:  # type: ignore[no-untyped-def]
    """Registered on WhatsApp, silent since: three days before the start the reminder goes as the template (the
    confirmation question set off: the reminder alone)."""
    from tests.whatsapp.conftest import USER

    app, clock = whatsapp.app, whatsapp.clock
    await whatsapp.say("halo")
    async with app.sessionmaker() as session, session.begin():
        from db.models import ChannelIdentity

        identity = (await session.execute(select(ChannelIdentity).where(ChannelIdentity.external_id == USER))
                    ).scalar_one()
        training = (await session.execute(select(Training).where(Training.code == "BTK-YK-01"))).scalar_one()
        training.confirm_days = 0  # no question (with it: tests/dialogues/test_reminder_with_question.py)
        await Registrations(session, clock(), app.settings.policy).register(identity.artisan_id, training.id)
    async with app.sessionmaker() as session:
        first = (await session.execute(select(Reminder).order_by(Reminder.due_at))).scalars().first()
    assert first is not None
    clock.now = first.due_at + timedelta(seconds=1)  # days later: the 24-hour window has closed
    before = len(whatsapp.fake.sent)
    counts = await build_scheduler(app).run_pass()
    assert counts is not None and counts["queued"] == 1
    assert await app.outbox.run_once() == 1
    [sent] = whatsapp.fake.sent[before:]
    assert sent.type == "template" and sent.payload["template"]["name"] == "kriya_reminder"
    assert "Pengingat: Pelatihan Pewarnaan Batik" in json_text(sent.payload)


def json_text(payload: dict) -> str:  # type: ignore[type-arg]
    import json

    return json.dumps(payload, ensure_ascii=False)
