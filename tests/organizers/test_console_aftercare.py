"""A training's console page after it: the feedback given in the chat (average, count, the free answers), why
no-shows did not come, the certificates issued; the certificate rule set by staff (CSRF, roles, bad input)."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import httpx
from sqlalchemy import select

from bot.app import App
from bot.web import create_web_app
from db.models import ChannelIdentity, Registration, Training
from tests.aftercare_helpers import after_the_end, certificate_of, check_in, scheduler_pass, training
from tests.conftest import Chat, Clock
from tests.organizers.conftest import World, csrf_of, sign_in

CODE = "YK-1"  # one day, of office one


async def reachable(app: App, registration_code: str, user: str) -> int:
    """Give a registrant a console chat (as if they had registered there); their registration's id."""
    async with app.sessionmaker() as session, session.begin():
        registration = (await session.execute(
            select(Registration).where(Registration.code == registration_code))).scalar_one()
        assert registration.artisan_id is not None
        session.add(ChannelIdentity(artisan_id=registration.artisan_id, channel="console", external_id=user,
                                    last_inbound_at=app.clock()))
        return registration.id


async def feedback_given(app: App, clock: Clock) -> tuple[int, int]:
    came = await reachable(app, "KR-YK1", "console-yk-1")
    absent = await reachable(app, "KR-YK2", "console-yk-2")
    found = await training(app, CODE)
    await check_in(app, came, found.starts_at + timedelta(minutes=10))
    await after_the_end(app, clock, CODE)
    await scheduler_pass(app, clock)
    first = Chat(app, user="console-yk-1", name=None)
    await first.say("⭐⭐⭐⭐")
    await first.say("Pengajarnya sabar <script>alert(1)</script>")
    second = Chat(app, user="console-yk-2", name=None)
    await second.say("maaf kak ada acara keluarga")
    return came, absent


async def test_the_training_page_shows_feedback_reasons_and_certificates(app: App, world: World, clock: Clock,
                                                                         client: httpx.AsyncClient) -> None:
    came, absent = await feedback_given(app, clock)
    certificate = await certificate_of(app, came)
    assert certificate is not None and await certificate_of(app, absent) is None
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get(f"/console/trainings/{CODE}")
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="feedback-average">4,0<' in html and 'data-testid="feedback-count">1<' in html
    assert "Pengajarnya sabar &lt;script&gt;" in html and "<script>alert" not in html
    assert "Bentrok jadwal: <strong>1</strong>" in html
    assert certificate.code in html and "Perajin YK 1" in html
    assert 'action="/console/trainings/YK-1/certificate-rule"' not in html  # a viewer sees, does not change
    person = await client.get(f"/console/trainings/{CODE}/registrants/KR-YK1")  # the delivery log has both
    assert "Selamat! Ini sertifikat kehadiran" in person.text and "Terima kasih sudah ikut" in person.text
    english = await client.get("/console/lang?to=en&next=/console/trainings/YK-1", follow_redirects=True)
    assert "Participants' ratings" in unescape(english.text) and ">4.0<" in english.text


async def test_another_office_sees_none_of_it(app: App, world: World, clock: Clock,
                                              client: httpx.AsyncClient) -> None:
    await feedback_given(app, clock)
    await sign_in(client, world.two.emails["admin"])
    assert (await client.get(f"/console/trainings/{CODE}")).status_code == 404
    own = await client.get("/console/trainings/BL-1")
    assert own.status_code == 200 and "Pengajarnya sabar" not in own.text and "Perajin YK" not in own.text


async def rule_of(app: App) -> int | None:
    async with app.sessionmaker() as session:
        return await session.scalar(select(Training.certificate_days).where(Training.code == "YK-OLD"))


async def test_staff_set_the_certificate_rule(app: App, world: World, client: httpx.AsyncClient) -> None:
    async with app.sessionmaker() as session, session.begin():  # a three-day training
        item = (await session.execute(select(Training).where(Training.code == "YK-OLD"))).scalar_one()
        item.ends_at = item.starts_at + timedelta(days=2)
    await sign_in(client, world.one.emails["staff"])
    page = await client.get("/console/trainings/YK-OLD")
    assert "hadir 3 dari 3 hari" in page.text
    csrf = csrf_of(page.text)
    url = "/console/trainings/YK-OLD/certificate-rule"
    assert (await client.post(url, data={"rule": "at_least", "days": "2"})).status_code == 403  # no CSRF
    assert await rule_of(app) is None
    for bad in ("0", "4", "dua", "", "=1+1"):
        refused = await client.post(url, data={"rule": "at_least", "days": bad, "csrf": csrf})
        assert refused.status_code == 422 and "1 sampai 3" in refused.text
    assert await rule_of(app) is None
    saved = await client.post(url, data={"rule": "at_least", "days": " 2 ", "csrf": csrf})
    assert saved.status_code == 303 and await rule_of(app) == 2
    assert "hadir 2 dari 3 hari" in (await client.get("/console/trainings/YK-OLD")).text
    back = await client.post(url, data={"rule": "every", "days": "2", "csrf": csrf})
    assert back.status_code == 303 and await rule_of(app) is None


async def test_a_viewer_and_another_office_cannot_set_the_rule(app: App, world: World,
                                                               client: httpx.AsyncClient) -> None:
    await sign_in(client, world.one.emails["viewer"])
    csrf = csrf_of((await client.get("/console/")).text)
    answer = await client.post("/console/trainings/YK-OLD/certificate-rule",
                               data={"rule": "at_least", "days": "1", "csrf": csrf})
    assert answer.status_code == 403 and await rule_of(app) is None
    web = create_web_app(app, run_background=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://kriya.test") as other:
        await sign_in(other, world.two.emails["admin"])
        csrf = csrf_of((await other.get("/console/")).text)
        answer = await other.post("/console/trainings/YK-OLD/certificate-rule",
                                  data={"rule": "at_least", "days": "1", "csrf": csrf})
    assert answer.status_code == 404 and await rule_of(app) is None
