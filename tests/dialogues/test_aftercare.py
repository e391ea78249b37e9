"""After a training, through console, Telegram and WhatsApp: attendees get their certificate and the feedback
question (answered in words, then a free answer), no-shows get "why not?" (answered in words), STOP is respected,
and the pass asks once."""

from __future__ import annotations

from datetime import timedelta

from bot.services.certificates import VERIFY_PATH
from tests.aftercare_helpers import (
    PUBLIC_URL,
    after_the_end,
    aftercare_rows,
    answer_of,
    certificate_of,
    check_in,
    registration_of,
    scheduler_pass,
    training,
)
from tests.channels import TELEGRAM_CHAT, ChannelChat, TelegramChat, WhatsAppChat, form_step
from tests.conftest import Clock
from tests.test_privacy_everywhere import NAME, register

ONE_DAY = "KYU-JKT-01"  # a one-day training of the demo catalogue (Jakarta, WIB)


async def attend(chat: ChannelChat, clock: Clock, code: str = ONE_DAY) -> int:
    """Register, come on the day (checked in at the door, a word in the chat), and let the training end."""
    await register(chat, code=code)
    registration = await registration_of(chat, code)
    found = await training(chat.app, code)
    clock.now = found.starts_at + timedelta(minutes=20)
    await check_in(chat.app, registration.id, clock.now)
    await chat.say("sudah sampai di lokasi kak")
    await after_the_end(chat.app, clock, code)
    return registration.id


def certificate_files(chat: ChannelChat) -> list[bytes]:
    """The documents the platform received for the person (the certificate's PDF)."""
    if isinstance(chat, TelegramChat):
        return [p["document"].content for p in chat.kriya.fake.files(TELEGRAM_CHAT, method="sendDocument")]
    if isinstance(chat, WhatsAppChat):
        fake = chat.harness.fake
        return [fake.media_of(sent).content for sent in fake.to(chat.user) if sent.type == "document"]
    return []


async def deliver(chat: ChannelChat) -> None:
    await chat.app.outbox.run_once()


async def test_an_attendee_gets_the_certificate_and_rates_in_words(anywhere: ChannelChat, clock: Clock) -> None:
    registration_id = await attend(anywhere, clock)
    counts = await scheduler_pass(anywhere.app, clock)
    assert counts["feedback"] == 1 and counts["certificates"] == 1 and counts["absence"] == 0
    certificate = await certificate_of(anywhere.app, registration_id)
    assert certificate is not None and certificate.name == NAME
    await deliver(anywhere)
    rows = await aftercare_rows(anywhere.app, registration_id)
    assert [row.dedupe_key.split(":")[0] for row in rows] == ["certificate", "feedback"]
    assert f"{PUBLIC_URL}{VERIFY_PATH}{certificate.code}" in rows[0].body["text"]
    if anywhere.channel != "console":  # the platform took both
        assert [row.status for row in rows] == ["sent", "sent"]
    assert rows[0].body["attachment"]["source"] == f"certificate:{certificate.code}"
    assert [pdf[:5] for pdf in certificate_files(anywhere)] == ([b"%PDF-"] if anywhere.channel != "console" else [])
    await anywhere.say("bagus, ada pelatihan batik lagi di jogja?")  # another question: no rating yet
    assert (await answer_of(anywhere.app, registration_id)).rating is None  # type: ignore[union-attr]
    await anywhere.say("bagus bgt kak")
    answer = await answer_of(anywhere.app, registration_id)
    assert answer is not None and answer.kind == "feedback" and answer.rating == 5
    assert await form_step(anywhere) == "aftercare:comment"
    await anywhere.say("materinya jelas, pengajarnya sabar. semoga ada lanjutan")
    answer = await answer_of(anywhere.app, registration_id)
    assert answer is not None and answer.comment == "materinya jelas, pengajarnya sabar. semoga ada lanjutan"
    assert await form_step(anywhere) is None
    # asked once: another pass (and another day) queues nothing more
    clock.advance(hours=20)
    again = await scheduler_pass(anywhere.app, clock)
    assert again["feedback"] == again["certificates"] == 0
    assert len(await aftercare_rows(anywhere.app, registration_id)) == 2


async def test_a_no_show_is_asked_why_and_the_reason_is_stored(anywhere: ChannelChat, clock: Clock) -> None:
    await register(anywhere, code=ONE_DAY)
    registration = await registration_of(anywhere, ONE_DAY)
    found = await training(anywhere.app, ONE_DAY)
    clock.now = found.starts_at - timedelta(hours=1)
    await anywhere.say("kak maaf sy kayaknya telat")  # (the chat is open on WhatsApp: a free-form question goes)
    await after_the_end(anywhere.app, clock, ONE_DAY)
    counts = await scheduler_pass(anywhere.app, clock)
    assert counts["absence"] == 1 and counts["feedback"] == 0 and counts["certificates"] == 0
    assert await certificate_of(anywhere.app, registration.id) is None
    await deliver(anywhere)
    rows = await aftercare_rows(anywhere.app, registration.id)
    assert [row.dedupe_key.split(":")[0] for row in rows] == ["absence"]  # the question only, no certificate
    assert [b["payload"].split(":")[0] for b in rows[0].body["buttons"]] == ["ab"] * 5
    if anywhere.channel != "console":
        assert rows[0].status == "sent"
    await anywhere.say("lg sakit kak, demam dr kemarin")
    answer = await answer_of(anywhere.app, registration.id)
    assert answer is not None and answer.kind == "absence" and answer.reason == "sakit" and answer.rating is None
    assert await form_step(anywhere) is None


async def test_other_reasons_ask_for_a_few_words_that_may_be_skipped(anywhere: ChannelChat, clock: Clock) -> None:
    await register(anywhere, code=ONE_DAY)
    registration = await registration_of(anywhere, ONE_DAY)
    found = await training(anywhere.app, ONE_DAY)
    clock.now = found.starts_at
    await anywhere.say("halo")
    await after_the_end(anywhere.app, clock, ONE_DAY)
    await scheduler_pass(anywhere.app, clock)
    await deliver(anywhere)
    await anywhere.say("LAINNYA")
    assert await form_step(anywhere) == "aftercare:comment"
    await anywhere.say("ga ada kak")
    answer = await answer_of(anywhere.app, registration.id)
    assert answer is not None and answer.reason == "lainnya" and answer.comment is None
    assert await form_step(anywhere) is None


async def test_stop_means_no_question_and_no_certificate_message(anywhere: ChannelChat, clock: Clock) -> None:
    registration_id = await attend(anywhere, clock)
    await anywhere.say("STOP")
    counts = await scheduler_pass(anywhere.app, clock)
    assert counts["not_asked"] >= 1 and counts["feedback"] == 0  # (the demo's registrants have no chat either)
    assert await aftercare_rows(anywhere.app, registration_id) == []
    answer = await answer_of(anywhere.app, registration_id)
    assert answer is not None and answer.asked_at is None  # recorded once, never sent
    assert await certificate_of(anywhere.app, registration_id) is not None  # earned all the same (verifiable)
    await anywhere.say("5")  # not a rating of a question never asked
    assert (await answer_of(anywhere.app, registration_id)).rating is None  # type: ignore[union-attr]


async def test_the_rating_by_its_button_or_its_number(anywhere: ChannelChat, clock: Clock) -> None:
    """On Telegram and WhatsApp the question's own button is tapped; on the console its number is typed."""
    registration_id = await attend(anywhere, clock)
    await scheduler_pass(anywhere.app, clock)
    await deliver(anywhere)
    if isinstance(anywhere, WhatsAppChat):  # the question came in proactively: its list is the last message
        anywhere.last = anywhere.harness.fake.to(anywhere.user)[-1:]
    if anywhere.channel == "console":
        await anywhere.say("4")
    else:
        await anywhere.tap("4 - Bagus")
    answer = await answer_of(anywhere.app, registration_id)
    assert answer is not None and answer.rating == 4
    await anywhere.tap("Lewati")
    assert await form_step(anywhere) is None
    assert (await answer_of(anywhere.app, registration_id)).comment is None  # type: ignore[union-attr]
