"""The funders' report from a known set of rows: per period and per training, the figures (registered, attended,
no-shows, cancelled, waitlisted; confirmed left as a seam), their breakdowns by regency, craft, gender and channel,
and the follow-ups' outcomes; another organizer's rows never counted (404 for its training); the XLSX opened with
openpyxl (sheets, bilingual headers, formula-safe cells); roles that may view. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from openpyxl import load_workbook

from bot.app import App
from bot.organizers import reports
from bot.organizers.scope import organizer_sessionmaker, scoped
from db.models import Artisan, ChannelIdentity, CheckIn, FollowUp, Registration, Training
from tests.conftest import NOW
from tests.organizers.conftest import World, sign_in


def _training(code: str, organizer_id: int, starts: datetime, craft: str, title: str | None = None) -> Training:
    return Training(code=code, title=title or f"Pelatihan {code}", craft=craft, organizer_id=organizer_id,
                    province="34", regency="34.04", venue="Balai", mode="offline", starts_at=starts,
                    ends_at=starts + timedelta(hours=6), quota=20, fee=0, contact="0274 000", description="-")


@pytest.fixture
async def rows(app: App, world: World) -> None:
    """Office one: REP-A (ended in October: attended, a no-show, a cancellation, a deleted person who attended),
    REP-B (June: a returning attendee, a waitlisted one; its title would be a formula), REP-C (2025, out of the
    period). Office two: REP-Z, with office one's attendee, and a follow-up answer of its own."""
    async with app.sessionmaker() as session, session.begin():
        one, two = world.one.organizer_id, world.two.organizer_id
        a = _training("REP-A", one, datetime(2026, 10, 1, 2, tzinfo=UTC), "batik")
        b = _training("REP-B", one, datetime(2026, 6, 10, 2, tzinfo=UTC), "tenun", title="=SUM(1+1)")
        c = _training("REP-C", one, datetime(2025, 5, 10, 2, tzinfo=UTC), "batik")
        z = _training("REP-Z", two, datetime(2026, 9, 1, 2, tzinfo=UTC), "batik")
        people = {
            "sri": Artisan(full_name="Sri", gender="female", regency="34.04", crafts=["batik"]),
            "budi": Artisan(full_name="Budi", gender="male", regency="34.04", crafts=["batik", "tenun"]),
            "rahasia": Artisan(full_name="Rahasia", gender="undisclosed", regency="33.75", crafts=["batik"]),
            "ayu": Artisan(full_name="Ayu", gender="female", regency="34.04", crafts=["tenun"]),
        }
        session.add_all([a, b, c, z, *people.values()])
        await session.flush()
        for name, channel in (("sri", "telegram"), ("budi", "whatsapp"), ("rahasia", "whatsapp"), ("ayu", "console")):
            session.add(ChannelIdentity(artisan_id=people[name].id, channel=channel, external_id=f"rep-{name}"))
        made: dict[str, Registration] = {}
        for code, training, person, status in (
                ("KR-RA1", a, "sri", "registered"), ("KR-RA2", a, "budi", "registered"),
                ("KR-RA3", a, "rahasia", "cancelled"), ("KR-RA4", a, None, "registered"),
                ("KR-RB1", b, "sri", "registered"), ("KR-RB2", b, "ayu", "waitlisted"),
                ("KR-RC1", c, "budi", "registered"), ("KR-RZ1", z, "sri", "registered")):
            made[code] = Registration(code=code, training_id=training.id, status=status,
                                      artisan_id=people[person].id if person else None,
                                      confirmation="confirmed" if code in ("KR-RA1", "KR-RB1") else None)
            session.add(made[code])
        await session.flush()
        for code in ("KR-RA1", "KR-RA4", "KR-RB1", "KR-RC1", "KR-RZ1"):
            session.add(CheckIn(registration_id=made[code].id, checked_in_at=NOW, day=NOW.date()))
        for code, months, sales, certifications, online in (
                ("KR-RA1", 1, "up", ["merek", "nib"], True), ("KR-RA1", 3, "same", [], False),
                ("KR-RA4", 1, "down", None, None), ("KR-RZ1", 1, "up", ["bnsp"], True)):
            registration = made[code]
            session.add(FollowUp(key=f"followup:{registration.id}:{months}", registration_id=registration.id,
                                 training_id=registration.training_id, artisan_id=registration.artisan_id,
                                 months=months, due_at=NOW, status="answered", sales=sales,
                                 certifications=certifications, online=online, asked_at=NOW, answered_at=NOW))
        session.add(FollowUp(key=f"followup:{made['KR-RA1'].id}:6", registration_id=made["KR-RA1"].id,
                             training_id=a.id, artisan_id=people["sri"].id, months=6,
                             due_at=NOW + timedelta(days=90), status="pending"))


def _figures(found: reports.Figures) -> dict[str, int | None]:
    return {"registered": found.registered, "confirmed": found.confirmed, "attended": found.attended,
            "no_shows": found.no_shows, "cancelled": found.cancelled, "waitlisted": found.waitlisted}


def _by(report: reports.Report, breakdown: str, figure: str = "registered") -> dict[str, int]:
    return {key: getattr(group, figure) for key, group in report.breakdowns[breakdown]}


async def _report(app: App, organizer_id: int, **asked: object) -> reports.Report:
    async with scoped(organizer_sessionmaker(app.engine), organizer_id) as session:
        return await reports.build(session, NOW, **asked)  # type: ignore[arg-type]


async def test_the_period_report_of_office_one(app: App, world: World, rows: None) -> None:
    from datetime import date
    report = await _report(app, world.one.organizer_id, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    codes = [line.training.code for line in report.trainings]
    assert "REP-C" not in codes and "REP-Z" not in codes and {"REP-A", "REP-B", "YK-1"} <= set(codes)
    # YK-1 (the world's: 2 seated, 1 waitlisted, upcoming) + REP-A (4) + REP-B (2)
    assert _figures(report.total) == {"registered": 9, "confirmed": 2, "attended": 3, "no_shows": 1,
                                      "cancelled": 1, "waitlisted": 2}
    assert _by(report, "gender") == {"unknown": 4, "female": 3, "male": 1, "undisclosed": 1}
    assert _by(report, "gender", "attended") == {"unknown": 1, "female": 2, "male": 0, "undisclosed": 0}
    assert _by(report, "channel") == {"none": 3, "telegram": 2, "whatsapp": 2, "console": 1, "unknown": 1}
    assert _by(report, "craft") == {"batik": 7, "tenun": 2, "unknown": 1}  # Budi counts under both crafts
    assert _by(report, "regency") == {"34.04": 4, "34.02": 3, "33.75": 1, "unknown": 1}
    assert _by(report, "regency", "no_shows") == {"34.04": 1, "34.02": 0, "33.75": 0, "unknown": 0}
    first, third, sixth = report.outcomes
    assert (first.months, first.asked, first.answered) == (1, 2, 2)  # office two's answer is not here
    assert dict(first.sales) == {"up": 1, "down": 1}
    assert dict(first.certifications) == {"merek": 1, "nib": 1} and dict(first.online) == {True: 1}
    assert (third.asked, dict(third.sales), dict(third.certifications), dict(third.online)) == (
        1, {"same": 1}, {"none": 1}, {False: 1})
    assert (sixth.asked, sixth.answered) == (0, 0)


async def test_one_training_and_the_other_office(app: App, world: World, rows: None) -> None:
    from datetime import date
    report = await _report(app, world.one.organizer_id, training_code="REP-A")
    assert [line.training.code for line in report.trainings] == ["REP-A"]
    assert _figures(report.total) == {"registered": 4, "confirmed": 1, "attended": 2, "no_shows": 1,
                                      "cancelled": 1, "waitlisted": 0}
    foreign = await _report(app, world.two.organizer_id, training_code="REP-A")
    assert foreign.trainings == [] and foreign.total.registered == 0
    theirs = await _report(app, world.two.organizer_id, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    assert {line.training.code for line in theirs.trainings} >= {"REP-Z"}
    assert not {"REP-A", "REP-B", "YK-1"} & {line.training.code for line in theirs.trainings}
    assert theirs.total.registered == 4 and theirs.total.attended == 1  # BL-1's three and REP-Z's one
    assert dict(theirs.outcomes[0].certifications) == {"bnsp": 1}


async def test_the_console_page_and_the_xlsx(client: httpx.AsyncClient, world: World, rows: None) -> None:
    await sign_in(client, world.one.emails["viewer"])
    page = await client.get("/console/reports", params={"from": "2026-01-01", "to": "2026-12-31"})
    assert page.status_code == 200
    assert 'data-training="REP-A"' in page.text and 'data-training="REP-Z"' not in page.text
    assert '<li data-figure="attended">' in page.text
    one = await client.get("/console/reports", params={"training": "rep-a"})
    assert one.status_code == 200 and 'data-training="REP-A"' in one.text
    assert (await client.get("/console/reports", params={"training": "REP-Z"})).status_code == 404
    assert (await client.get("/console/reports.xlsx", params={"training": "REP-Z"})).status_code == 404
    assert (await client.get("/console/reports", params={"from": "2026-13-01"})).status_code == 422
    assert (await client.get("/console/reports", params={"from": "2026-12-01", "to": "2026-01-01"})).status_code == 422

    download = await client.get("/console/reports.xlsx", params={"from": "2026-01-01", "to": "2026-12-31"})
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames[0].startswith("Ringkasan") and len(book.sheetnames) == 7
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Pendaftar / Registrants"] == "9" and summary["Peserta hadir / Attended"] == "3"
    assert summary["Tidak hadir / No-shows"] == "1" and summary["Konfirmasi hadir / Confirmed"] in ("1", "2")
    per_training = list(book.worksheets[1].iter_rows(values_only=True))
    assert per_training[0][:2] == ("Kode / Code", "Nama pelatihan / Training")
    titles = {row[0]: row[1] for row in per_training[1:]}
    assert titles["REP-B"] == "'=SUM(1+1)"  # a title that would be a formula is text
    assert all(cell.data_type == "s" for row in book.worksheets[1].iter_rows() for cell in row if cell.value)
    gender = {row[0]: row[1] for row in book.worksheets[4].iter_rows(values_only=True)}
    assert gender["Perempuan"] == "3" and gender["Tidak diketahui"] == "4"
    outcomes = list(book.worksheets[6].iter_rows(values_only=True))
    assert ("Penjualan: Naik / Sales: Up", "1", "0", "0") in outcomes

    await client.post("/console/logout", data={"csrf": ""})


@pytest.mark.parametrize("role, status", [("admin", 200), ("staff", 200), ("viewer", 200), ("checkin", 403)])
async def test_roles_that_may_view(client: httpx.AsyncClient, world: World, role: str, status: int) -> None:
    assert (await client.get("/console/reports")).status_code == 303  # signed out: to the sign-in page
    await sign_in(client, world.one.emails[role])
    assert (await client.get("/console/reports")).status_code == status
    assert (await client.get("/console/reports.xlsx")).status_code == status
