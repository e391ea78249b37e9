"""What happens after a message leaves: statuses recorded, templates outside the 24-hour window, rate limits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.core import Button, Reply
from bot.delivery import reply_to_body
from bot.outbox import enqueue
from db.models import ChannelIdentity
from tests.whatsapp.conftest import USER, WhatsApp, chose, outbox_row, outbox_rows, status


async def queue(whatsapp: WhatsApp, kind: str, text: str, buttons: tuple[Button, ...] = (), key: str = "1",
                **extra: object) -> int:
    """An outbox row for USER as the scheduler would write it (a reminder, an announcement, ...)."""
    async with whatsapp.app.sessionmaker() as session, session.begin():
        identity = (
            await session.execute(select(ChannelIdentity).where(
                ChannelIdentity.channel == "whatsapp", ChannelIdentity.external_id == USER))
        ).scalar_one_or_none()
        row = await enqueue(
            session, artisan_id=identity.artisan_id if identity else None, channel="whatsapp", external_id=USER,
            kind=kind, body={**reply_to_body(Reply(text, buttons)), **extra}, dedupe_key=f"{kind}:{key}",
            now=whatsapp.clock(),
        )
        assert row is not None
        return row.id


REMINDER = "Pengingat: Studio Batik Daring\nMulai: Rabu, 25 November 2026 pukul 13.00 WIB\n\nSampai jumpa!"


async def test_sent_delivered_read_and_failed_statuses_are_recorded_on_the_outbox_row(whatsapp: WhatsApp) -> None:
    [menu] = await whatsapp.say("halo")
    [row] = await outbox_rows(whatsapp.app)
    assert row.status == "sent" and row.provider_message_id == menu.id and row.delivery_status is None
    for name, expected in (("status_sent.json", "sent"), ("status_delivered.json", "delivered"),
                           ("status_read.json", "read"), ("status_delivered.json", "read")):  # late: kept read
        assert (await whatsapp.send(status(name, menu.id))) == []
        assert (await outbox_row(whatsapp.app, row.id)).delivery_status == expected

    [ack] = await whatsapp.say("terima kasih")
    await whatsapp.send(status("status_failed.json", ack.id))
    failed = (await outbox_rows(whatsapp.app))[-1]
    assert failed.provider_message_id == ack.id
    assert failed.delivery_status == "failed"
    assert failed.last_error == "130472 User's number is part of an experiment"


async def test_a_status_of_an_earlier_part_of_a_long_message_finds_its_row(whatsapp: WhatsApp) -> None:
    long_text = "\n\n".join(f"Paragraf {n}. " + "Kain batik tulis dibuat dengan canting. " * 20 for n in range(8))
    await whatsapp.say("halo")
    row_id = await queue(whatsapp, "notice", long_text, (Button("Menu", "menu"),))
    await whatsapp.app.outbox.run_once()
    parts = [s for s in whatsapp.fake.sent if "Paragraf" in s.body]
    assert len(parts) >= 3 and parts[-1].type == "interactive:button"
    whatsapp.channel.whatsapp_sender.sent_ids.clear()  # a restart
    await whatsapp.send(status("whaloc_status_failed_131049.json", parts[0].id))
    row = await outbox_row(whatsapp.app, row_id)
    assert row.provider_message_id == parts[-1].id
    assert row.delivery_status == "failed" and (row.last_error or "").startswith("131049 ")


async def test_statuses_for_unknown_messages_change_nothing(whatsapp: WhatsApp) -> None:
    [menu] = await whatsapp.say("halo")
    response = await whatsapp.post(status("status_read.json", "wamid.not-ours"))
    assert response.status_code == 200
    await whatsapp.channel.drain()
    assert (await outbox_rows(whatsapp.app))[0].delivery_status is None
    assert menu.id != "wamid.not-ours"


async def test_a_proactive_message_outside_the_window_goes_as_its_template(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    whatsapp.clock.advance(hours=25)
    requests = whatsapp.fake.requests
    row_id = await queue(whatsapp, "reminder", REMINDER)
    assert await whatsapp.app.outbox.run_once() == 1
    assert whatsapp.fake.requests == requests + 1  # no free-form attempt first
    template = whatsapp.fake.sent[-1]
    assert template.type == "template"
    assert template.payload["template"] == {
        "name": "kriya_reminder", "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": (
            "Pengingat: Studio Batik Daring · Mulai: Rabu, 25 November 2026 pukul 13.00 WIB · Sampai jumpa!")}]}],
    }
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "sent" and row.provider_message_id == template.id


async def test_a_person_who_never_wrote_on_whatsapp_gets_the_template_in_their_language(whatsapp: WhatsApp) -> None:
    await queue(whatsapp, "notice", "Pelatihan baru\nTenun ikat di Kupang, 5 Desember.", language="en")
    await whatsapp.app.outbox.run_once()
    template = whatsapp.fake.sent[-1].payload["template"]
    assert template["name"] == "kriya_notice" and template["language"] == {"code": "en"}
    assert [p["text"] for p in template["components"][0]["parameters"]] == [
        "Pelatihan baru", "Tenun ikat di Kupang, 5 Desember."]


async def test_131047_to_a_free_form_message_falls_back_to_the_template_in_the_same_send(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    whatsapp.fake.closed_windows.add(USER)  # WhatsApp knows better than our clock
    row_id = await queue(whatsapp, "reminder", REMINDER, (Button("Detail", "td:BTK-ON-01"),))
    requests = whatsapp.fake.requests
    await whatsapp.app.outbox.run_once()
    assert whatsapp.fake.requests == requests + 2
    template = whatsapp.fake.sent[-1]
    assert template.type == "template" and template.payload["template"]["name"] == "kriya_reminder"
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "sent" and row.provider_message_id == template.id and row.last_error is None


async def test_no_template_for_the_kind_means_failed_with_the_reason(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    whatsapp.clock.advance(days=2)
    row_id = await queue(whatsapp, "announcement", "Pelatihan baru: tenun ikat di Kupang.")
    await whatsapp.app.outbox.run_once()
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "failed"
    assert row.last_error is not None and row.last_error.startswith("131047 ")
    assert "no WhatsApp template configured for 'announcement'" in row.last_error
    assert not [s for s in whatsapp.fake.sent if "Kupang" in s.body]


async def test_a_failed_131047_status_re_queues_a_proactive_message_as_its_template(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    row_id = await queue(whatsapp, "reminder", REMINDER)
    await whatsapp.app.outbox.run_once()
    free_form = whatsapp.fake.sent[-1]
    assert free_form.type == "text" and "Pengingat" in free_form.body
    await whatsapp.send(status("status_failed_131047_CONSTRUCTED.json", free_form.id))
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "pending" and row.not_before <= whatsapp.clock()
    assert (row.last_error or "").startswith("131047 Re-engagement message")
    assert row.body["whatsapp_template"] is True and row.body["failed_provider_ids"] == [free_form.id]
    await whatsapp.app.outbox.run_once()
    template = whatsapp.fake.sent[-1]
    assert template.type == "template"
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "sent" and row.provider_message_id == template.id
    await whatsapp.send(status("status_delivered.json", template.id))
    assert (await outbox_row(whatsapp.app, row_id)).delivery_status == "delivered"
    # a late duplicate of the old failure changes nothing now
    await whatsapp.send(status("status_failed_131047_CONSTRUCTED.json", free_form.id))
    assert (await outbox_row(whatsapp.app, row_id)).status == "sent"


async def test_a_failed_131047_status_of_a_reply_is_only_recorded(whatsapp: WhatsApp) -> None:
    [menu] = await whatsapp.say("halo")
    await whatsapp.send(status("status_failed_131047_CONSTRUCTED.json", menu.id))
    [row] = await outbox_rows(whatsapp.app)
    assert row.status == "sent" and row.delivery_status == "failed"
    assert row.last_error == "131047 Re-engagement message"


async def test_rate_limits_put_the_row_back_with_a_wait(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    now = whatsapp.clock()
    throughput = await queue(whatsapp, "reminder", REMINDER, key="a")
    whatsapp.fake.fail_next(130429)
    await whatsapp.app.outbox.run_once()
    row = await outbox_row(whatsapp.app, throughput)
    assert row.status == "pending" and row.attempts == 0
    assert row.not_before == now + timedelta(seconds=5)
    assert (row.last_error or "").startswith("130429 Rate limit hit")

    whatsapp.clock.advance(seconds=10)
    pair = await queue(whatsapp, "reminder", "Pengingat kedua", key="b")
    whatsapp.fake.fail_next(131056, retry_after="120")  # a Retry-After header wins over the default
    whatsapp.fake.fail_next(131056)
    await whatsapp.app.outbox.run_once()
    first, second = await outbox_row(whatsapp.app, throughput), await outbox_row(whatsapp.app, pair)
    assert first.status == "pending" and first.not_before == whatsapp.clock() + timedelta(seconds=120)
    assert second.status == "pending" and second.not_before == whatsapp.clock() + timedelta(seconds=60)
    assert (second.last_error or "").startswith("131056 ")

    whatsapp.clock.advance(minutes=3)
    await whatsapp.app.outbox.run_once()
    assert {(await outbox_row(whatsapp.app, i)).status for i in (throughput, pair)} == {"sent"}


async def test_a_rate_limited_reply_waits_in_the_outbox(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    whatsapp.fake.fail_next(130429, status=429)
    assert await whatsapp.send(chose("td:BTK-ON-01", "Studio")) == []
    [row] = [r for r in await outbox_rows(whatsapp.app) if r.status == "pending"]
    assert (row.last_error or "").startswith("130429") and row.not_before > whatsapp.clock()
    whatsapp.clock.advance(seconds=6)
    await whatsapp.app.outbox.run_once()
    assert whatsapp.fake.sent[-1].type == "interactive:button"
    assert (await outbox_row(whatsapp.app, row.id)).status == "sent"


async def test_a_long_message_cut_short_by_a_rate_limit_resumes_where_it_stopped(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    long_text = "\n\n".join(f"Bagian {n}. " + "Kain tenun ikat ditenun dengan sabar. " * 20 for n in range(8))
    row_id = await queue(whatsapp, "notice", long_text, (Button("Menu", "menu"),))
    whatsapp.fake.fail_next(130429, after=1)
    await whatsapp.app.outbox.run_once()
    assert len([s for s in whatsapp.fake.sent if "Bagian" in s.body]) == 1
    assert (await outbox_row(whatsapp.app, row_id)).status == "pending"
    whatsapp.clock.advance(seconds=6)
    await whatsapp.app.outbox.run_once()
    parts = [s for s in whatsapp.fake.sent if "Bagian" in s.body]
    assert len(parts) == 3 and len({p.body for p in parts}) == 3  # nothing sent twice
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "sent" and row.body["provider_ids"] == [p.id for p in parts]


async def test_final_errors_are_recorded_with_their_code(whatsapp: WhatsApp) -> None:
    await whatsapp.say("halo")
    row_id = await queue(whatsapp, "reminder", REMINDER)
    whatsapp.fake.fail_next(131026)
    await whatsapp.app.outbox.run_once()
    row = await outbox_row(whatsapp.app, row_id)
    assert row.status == "failed" and (row.last_error or "").startswith("131026 Message Undeliverable")

    retry_id = await queue(whatsapp, "reminder", REMINDER, key="2")
    whatsapp.fake.fail_next(131000, status=500)
    await whatsapp.app.outbox.run_once()
    row = await outbox_row(whatsapp.app, retry_id)
    assert row.status == "pending" and row.attempts == 1 and (row.last_error or "").startswith("131000 ")
