"""A registrant's page over real HTTP: the person, their registrations at this organizer's trainings, and the
delivery log of what this organizer sent them (a delivered broadcast, a failed one with its reason, a reminder
and a notice of its training), never another organizer's broadcast to the same person nor the chat's replies;
404 for another organizer's training or a registration not of that training; signed out → sign-in. On SQLite
and PostgreSQL."""

from __future__ import annotations

import html
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select

from bot.app import App
from db.models import Broadcast, ChannelIdentity, CheckIn, OutboxMessage, Registration, Reminder
from tests.conftest import NOW
from tests.organizers.conftest import World, sign_in

PERSON = "KR-YK1"  # the first registrant of YK-1 (tests/organizers/conftest.py)


@dataclass
class Sends:
    delivered: str
    failed: str
    failed_reason: str
    reminder: str
    notice: str
    foreign: str
    reply: str


def outbox(key: str, artisan_id: int, kind: str, text: str, status: str = "sent", *,
           delivery_status: str | None = None, last_error: str | None = None,
           broadcast_id: int | None = None) -> OutboxMessage:
    return OutboxMessage(dedupe_key=key, artisan_id=artisan_id, channel="telegram", external_id="7001", kind=kind,
                         body={"text": text}, status=status, delivery_status=delivery_status, last_error=last_error,
                         broadcast_id=broadcast_id, created_at=NOW, sent_at=NOW if status == "sent" else None)


@pytest.fixture
async def sends(app: App, world: World) -> Sends:
    """What was sent to the person of KR-YK1: by office one (two broadcasts, a reminder, a notice), by office two
    (a broadcast to the same person), and the chat's reply to them."""
    found = Sends("Pameran batik di Sleman, Sabtu ini.", "Lomba motif batik: kirim karya sebelum 10 Desember.",
                  "Forbidden: bot was blocked by the user", "Pengingat: pelatihan besok pukul 09.00.",
                  "Kursi untuk Anda sudah tersedia.", "Pameran dari Bali: jangan sampai tampil di sini.",
                  "Terima kasih, pendaftaran Anda tercatat.")
    async with app.sessionmaker() as session, session.begin():
        registration = await session.scalar(select(Registration).where(Registration.code == PERSON))
        assert registration is not None and registration.artisan_id is not None
        person, training_id = registration.artisan_id, registration.training_id
        session.add(ChannelIdentity(artisan_id=person, channel="telegram", external_id="7001"))
        session.add(CheckIn(registration_id=registration.id, day=NOW.date(), checked_in_at=NOW))
        made = {}
        for name, organizer_id, text in (("delivered", world.one.organizer_id, found.delivered),
                                         ("failed", world.one.organizer_id, found.failed),
                                         ("foreign", world.two.organizer_id, found.foreign)):
            broadcast = Broadcast(text=text, craft="batik", send_at=NOW, recipients=1, organizer_id=organizer_id)
            session.add(broadcast)
            await session.flush()
            made[name] = broadcast.id
        session.add(outbox(f"broadcast:{made['delivered']}:{person}", person, "broadcast", found.delivered,
                           delivery_status="delivered", broadcast_id=made["delivered"]))
        session.add(outbox(f"broadcast:{made['failed']}:{person}", person, "broadcast", found.failed, "failed",
                           last_error=found.failed_reason, broadcast_id=made["failed"]))
        session.add(outbox(f"broadcast:{made['foreign']}:{person}", person, "broadcast", found.foreign,
                           delivery_status="read", broadcast_id=made["foreign"]))
        reminder_key = f"reminder:{registration.id}:86400"
        session.add(Reminder(key=reminder_key, artisan_id=person, training_id=training_id, kind="before_start",
                             due_at=NOW, status="queued"))
        session.add(outbox(reminder_key, person, "reminder", found.reminder, delivery_status="read"))
        session.add(outbox(f"promoted:{registration.id}:{NOW.isoformat()}", person, "notice", found.notice,
                           "pending"))
        session.add(outbox(f"reply:{person}:1", person, "reply", found.reply))
    return found


async def test_the_page_shows_this_organizers_sends_only(client: httpx.AsyncClient, world: World,
                                                         sends: Sends) -> None:
    await sign_in(client, world.one.emails["checkin"])  # the least role that may see registrants
    training_page = (await client.get("/console/trainings/YK-1")).text
    assert f'href="/console/trainings/YK-1/registrants/{PERSON}"' in training_page
    answer = await client.get(f"/console/trainings/YK-1/registrants/{PERSON}")
    assert answer.status_code == 200
    page = html.unescape(answer.text)
    assert "Perajin YK 1" in page and "628120000001" in page and "telegram" in page
    assert "Pelatihan YK-1" in page and PERSON in page
    rows = page.split('<tr class="send">')[1:]
    assert len(rows) == 4  # two broadcasts, the reminder, the notice
    by_text = {text: row for row in rows for text in (sends.delivered, sends.failed, sends.reminder, sends.notice)
               if text in row}
    assert set(by_text) == {sends.delivered, sends.failed, sends.reminder, sends.notice}
    assert 'class="state-delivered"' in by_text[sends.delivered]
    assert 'class="state-failed"' in by_text[sends.failed] and sends.failed_reason in by_text[sends.failed]
    assert 'class="state-read"' in by_text[sends.reminder]
    assert 'class="state-pending"' in by_text[sends.notice]
    assert sends.foreign not in page and sends.reply not in page


async def test_in_english_too(client: httpx.AsyncClient, world: World, sends: Sends) -> None:
    await sign_in(client, world.one.emails["viewer"])
    await client.get("/console/lang?to=en&next=/console/")
    page = (await client.get(f"/console/trainings/YK-1/registrants/{PERSON}")).text
    assert 'lang="en"' in page and "Pendaftaran di pelatihan Anda" not in page and sends.delivered in page


async def test_another_organizer_or_a_wrong_registration_is_404(app: App, client: httpx.AsyncClient,
                                                                world: World, sends: Sends) -> None:
    await sign_in(client, world.two.emails["admin"])
    for path in (f"/console/trainings/YK-1/registrants/{PERSON}",  # office one's training
                 f"/console/trainings/BL-1/registrants/{PERSON}"):  # office one's registration in office two's
        answer = await client.get(path)
        assert answer.status_code == 404, path
        assert sends.delivered not in answer.text and "Perajin YK 1" not in answer.text
    await client.post("/console/logout", data={"csrf": ""})
    client.cookies.clear()
    await sign_in(client, world.one.emails["admin"])
    for path in ("/console/trainings/YK-2/registrants/KR-YK1",  # a registration of another training
                 "/console/trainings/YK-1/registrants/KR-NOPE"):
        assert (await client.get(path)).status_code == 404, path
    async with app.sessionmaker() as session:  # looking queues nothing
        assert len((await session.execute(select(OutboxMessage.id))).all()) == 6  # as the fixture made them


async def test_signed_out_goes_to_sign_in(client: httpx.AsyncClient, world: World) -> None:
    answer = await client.get(f"/console/trainings/YK-1/registrants/{PERSON}")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/console/login")


async def test_the_page_shows_the_ticket_of_a_seat_only(app: App, client: httpx.AsyncClient, world: World) -> None:
    await sign_in(client, world.one.emails["checkin"])
    page = (await client.get(f"/console/trainings/YK-1/registrants/{PERSON}")).text
    ticket = page.split('<dd class="ticket">')[1].split("</dd>")[0]
    assert f"<strong>{PERSON}</strong>" in ticket
    async with app.sessionmaker() as session, session.begin():
        registration = await session.scalar(select(Registration).where(Registration.code == PERSON))
        assert registration is not None
        registration.status = "waitlisted"
    page = (await client.get(f"/console/trainings/YK-1/registrants/{PERSON}")).text
    ticket = page.split('<dd class="ticket">')[1].split("</dd>")[0]
    assert PERSON not in ticket and "<strong>" not in ticket
