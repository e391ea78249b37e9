"""`kriya staff add/token/list/remove`: accounts with argon2 passwords, tokens shown once and stored hashed."""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.organizers import accounts, cli
from db.models import AuditEvent, Organizer, StaffAccount, StaffCredential
from db.session import create_engine, create_sessionmaker


def kriya(settings: Settings, *argv: str, stdin: str = "") -> int:
    parser = argparse.ArgumentParser(prog="kriya")
    cli.add_parser(parser.add_subparsers(dest="command", required=True))
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        return cli.run(settings, parser.parse_args(argv))
    finally:
        sys.stdin = old


def rows(settings: Settings, model: type) -> list:
    async def read() -> list:
        engine = create_engine(settings.database_url)
        try:
            async with create_sessionmaker(engine)() as session:
                return list((await session.execute(select(model))).unique().scalars())
        finally:
            await engine.dispose()
    return asyncio.run(read())


@pytest.fixture
def settings(tmp_path: Path, sqlite_template: Path) -> Settings:
    shutil.copy(sqlite_template, tmp_path / "kriya.db")  # migrated once for the whole run
    return Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'kriya.db'}")


def test_add_with_a_password_hashes_it_with_argon2(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert kriya(settings, "staff", "add", "Ana@Balai.example", "--organizer", "BBSPJIKB Yogyakarta",
                 "--role", "admin", "--password-stdin", stdin="rahasia-panjang-1\n") == 0
    [account] = rows(settings, StaffAccount)
    assert account.email == "ana@balai.example" and account.role == "admin"
    assert account.password_hash and account.password_hash.startswith("$argon2id$")
    assert "rahasia-panjang-1" not in account.password_hash
    [organizer] = rows(settings, Organizer)
    assert organizer.name == "BBSPJIKB Yogyakarta" and account.organizer_id == organizer.id
    assert [e.action for e in rows(settings, AuditEvent)] == ["staff_added"]


def test_add_joins_an_existing_organizer_and_prints_a_link_without_password(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert kriya(settings, "staff", "add", "a@x.example", "--organizer", "Dekranasda Bali", "--role", "staff",
                 "--password-stdin", stdin="rahasia-panjang-1\n") == 0
    assert kriya(settings, "staff", "add", "b@x.example", "--organizer", "Dekranasda Bali", "--role", "viewer") == 0
    out = capsys.readouterr().out
    link = out.strip().splitlines()[-1]
    assert "/console/link/" in link
    assert len(rows(settings, Organizer)) == 1
    [credential] = rows(settings, StaffCredential)
    assert credential.kind == "link" and credential.token_hash == accounts.digest(link.rsplit("/", 1)[1])


@pytest.mark.parametrize("argv, stdin", [
    (("staff", "add", "not-an-email", "--organizer", "X", "--role", "admin", "--password-stdin"), "rahasia-panjang"),
    (("staff", "add", "a@x.example", "--organizer", "X", "--role", "admin", "--password-stdin"), "pendek"),
    (("staff", "add", "a@x.example", "--organizer", "X", "--role", "admin", "--password-stdin"), ""),
    (("staff", "token", "nobody@x.example"), ""),
    (("staff", "remove", "nobody@x.example"), ""),
])
def test_bad_input_is_one_line_and_status_2(settings: Settings, capsys: pytest.CaptureFixture[str],
                                            argv: tuple[str, ...], stdin: str) -> None:
    assert kriya(settings, *argv, stdin=stdin) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kriya: ") and "\n" not in err
    assert rows(settings, StaffAccount) == []


def test_a_taken_email_is_refused(settings: Settings) -> None:
    assert kriya(settings, "staff", "add", "a@x.example", "--organizer", "X", "--role", "admin") == 0
    assert kriya(settings, "staff", "add", "A@x.example", "--organizer", "Y", "--role", "viewer") == 2
    assert len(rows(settings, StaffAccount)) == 1


def test_token_is_printed_once_and_stored_as_sha256(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert kriya(settings, "staff", "add", "a@x.example", "--organizer", "X", "--role", "staff",
                 "--password-stdin", stdin="rahasia-panjang-1\n") == 0
    capsys.readouterr()
    assert kriya(settings, "staff", "token", "a@x.example", "--label", "sinkron") == 0
    token = capsys.readouterr().out.strip()
    [credential] = rows(settings, StaffCredential)
    assert credential.kind == "api" and credential.label == "sinkron"
    assert credential.token_hash == accounts.digest(token) and token not in credential.token_hash
    assert [e.action for e in rows(settings, AuditEvent)][-1] == "token_created"


def test_list_and_remove(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    for email, role in (("a@x.example", "admin"), ("b@x.example", "checkin")):
        assert kriya(settings, "staff", "add", email, "--organizer", "X", "--role", role) == 0
    assert kriya(settings, "staff", "token", "b@x.example") == 0
    capsys.readouterr()
    assert kriya(settings, "staff", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:2] for line in listed] == [["a@x.example", "admin"], ["b@x.example", "checkin"]]
    assert kriya(settings, "staff", "remove", "B@x.example") == 0
    assert [a.email for a in rows(settings, StaffAccount)] == ["a@x.example"]
    assert all(c.staff_id != 2 for c in rows(settings, StaffCredential))


def test_kriya_staff_is_a_command_of_kriya(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from bot.__main__ import main

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("rahasia-panjang-1\n"))
    assert main(["staff", "add", "a@x.example", "--organizer", "X", "--role", "viewer", "--password-stdin"]) == 0
    assert main(["staff", "remove", "nobody@x.example"]) == 2
    assert [a.email for a in rows(settings, StaffAccount)] == ["a@x.example"]
