"""Hostile and broken import files: refused quickly, in little memory, with one clear line and an exit
status (never a traceback); a bad cell refuses its row only; text printed to a terminal is escaped."""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.__main__ import _import, _list, main
from bot.app import App
from bot.config import Settings
from bot.services.catalogue import MAX_FILE_BYTES, check_rows
from db.models import Organizer, Training
from tests.test_catalogue_import import HEADER, good, yaml_row

REPO = Path(__file__).resolve().parents[1]
QUICK = 0.5  # seconds: "well under a second" for refusing a hostile file
SMALL = 20 * 1024 * 1024  # bytes of Python memory allowed to refuse one
CHILD_MEMORY = 2 * 1024**3  # address space of a `kriya` subprocess: a bomb must not get further
CHILD_TIMEOUT = 30

BILLION_LAUGHS = textwrap.dedent("""\
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
    trainings:
      - code: BOM-2701-A
        title: *i
        craft: batik
        organizer: X
        province: "34"
        venue: Y
        starts_at: 2027-01-10T08:00:00
        ends_at: 2027-01-12T16:00:00
        fee: 0
        contact: Z
        description: *i
    """)

def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def kriya_import(path: Path, database: Path) -> tuple[int, list[str], float]:
    """`kriya trainings import PATH` in a subprocess with bounded memory: exit status, stderr lines, seconds."""

    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}", "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "trainings", "import", str(path)], cwd=path.parent, env=env,
            capture_output=True, text=True, timeout=CHILD_TIMEOUT, preexec_fn=_limit_memory, check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, ["timed out"], CHILD_TIMEOUT
    return done.returncode, done.stderr.splitlines(), time.perf_counter() - started


REFUSE_SCRIPT = """
import json, sys, time, tracemalloc
from pathlib import Path
from bot.services.catalogue import ImportFileError, read_rows
tracemalloc.start()
started = time.perf_counter()
try:
    read_rows(Path(sys.argv[1]))
    refused = False
except ImportFileError:
    refused = True
seconds = time.perf_counter() - started
print(json.dumps({"refused": refused, "seconds": seconds, "peak": tracemalloc.get_traced_memory()[1]}))
"""


def refusal_in_child(path: Path) -> dict[str, Any]:
    """read_rows(path) in a subprocess with bounded memory and time (a regression must not take this
    process down): whether it refused the file, in how many seconds, with what peak of Python memory."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", REFUSE_SCRIPT, str(path)], env=env, capture_output=True, text=True,
            timeout=CHILD_TIMEOUT, preexec_fn=_limit_memory, check=False,
        )
    except subprocess.TimeoutExpired:
        return {"refused": False, "seconds": CHILD_TIMEOUT, "peak": None}
    if done.returncode != 0:
        return {"refused": False, "seconds": None, "peak": None, "error": done.stderr[-300:]}
    return dict(json.loads(done.stdout))


def fifty_megabytes_of_yaml(path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("trainings:\n")
        number = 0
        while out.tell() < 50 * 1024 * 1024:
            out.write("".join(yaml_row(f"TNN-{number + i:06d}") for i in range(1000)))
            number += 1000
    return path


@pytest.mark.parametrize("kind", ["billion laughs", "50 MB"])
def test_a_yaml_bomb_or_a_huge_yaml_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    if kind == "billion laughs":
        path = tmp_path / "bomb.yaml"
        path.write_text(BILLION_LAUGHS)
        assert path.stat().st_size < 1000
    else:
        path = fifty_megabytes_of_yaml(tmp_path / "huge.yaml")
    refusal = refusal_in_child(path)
    print(f"\n{kind}: {refusal}")
    assert refusal["refused"] and refusal["seconds"] < QUICK and refusal["peak"] < SMALL
    status, stderr, _seconds = kriya_import(path, tmp_path / "kriya.db")
    assert status == 2
    assert len(stderr) == 1 and "Traceback" not in stderr[0]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("binary.csv", bytes(range(256)) * 40),
        ("binary.yaml", b"trainings:\n  - code: \xff\xfe\x00\x01\n"),
        ("gzip.csv", b"\x1f\x8b\x08\x00" + os.urandom(2000)),
        ("deep.yaml", b"trainings: " + b"[" * 200_000),
        ("big-cell.csv", (HEADER + good().replace("Kelas pewarnaan alam.", "x" * 200_000)).encode()),
        ("big-file.csv", HEADER.encode() + good().encode() * (MAX_FILE_BYTES // len(good()) + 10)),
        ("flow.yaml", b"trainings: [a, [b"),
    ],
)
def test_garbage_files_are_refused_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'kriya.db'}")
    started = time.perf_counter()
    assert main(["trainings", "import", str(path)]) == 2
    assert time.perf_counter() - started < QUICK * 4
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and len(err[0]) < 400
    assert not any(ch in err[0] for ch in "\x00\x1b\x7f")


async def test_a_python_tag_refuses_its_row_and_the_others_go_in(
    tmp_path: Path, app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text(
        "trainings:\n"
        + yaml_row("TNN-2701-A")
        + yaml_row("TNN-2701-B", title='!!python/object/apply:os.system ["touch pwned"]')
        + yaml_row("TNN-2701-C", fee="1" * 5000)  # an integer too long for int()
        + yaml_row("TNN-2701-D", title="[a, list]")
    )
    status = await _import(app.settings, path)
    assert not (tmp_path / "pwned").exists()
    assert status == 0
    assert [code for (code,) in await _codes(app)] == ["TNN-2701-A"]
    errors = capsys.readouterr().err.splitlines()
    assert [tuple(line.split(":")[1:3]) for line in errors] == [
        ("14", " TNN-2701-B"), ("26", " TNN-2701-C"), ("38", " TNN-2701-D"),
    ]


async def count(app: App, model: type) -> int:
    async with app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_nul_or_control_character_refuses_its_row_only(
    tmp_path: Path, app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER
        + good("BTK-2612-A")
        + good("BTK-2612-B", description="Kelas\x00pewarnaan")
        + good("BTK-2612-C", title="\x1b[2J\x1b[31mJudul")
        + good("BTK-2612-D", description="baris satu\nbaris dua\tdengan tab")
        + good("BTK-2612-E", contact="x" * 20_000)
    )
    status = await _import(app.settings, path)
    out, err = capsys.readouterr()
    assert status == 0  # some rows went in: the refused ones are reported, the summary says how many
    assert {t for (t,) in (await _codes(app))} == {"BTK-2612-A", "BTK-2612-D"}
    lines = err.splitlines()
    assert [line.split(":")[1] for line in lines] == ["3", "4", "7"]  # row D spans lines 5 and 6
    assert "\x1b" not in err and "\x00" not in err
    assert "2 new" in out and "3 rejected" in out


async def _codes(app: App) -> list[tuple[str]]:
    async with app.sessionmaker() as session:
        return [tuple(r) for r in (await session.execute(select(Training.code))).all()]


async def test_every_problem_of_a_row_is_reported(tmp_path: Path, app: App) -> None:
    rows = [(2, {**_row(), "craft": "lukisan", "quota": "-3", "fee": "gratis", "mode": "terbang"})]
    _good, [error] = check_rows(rows)
    assert len(error.reasons) == 4


def _row() -> dict[str, str]:
    values = good().strip().split('","')
    names = HEADER.strip().split(",")
    return dict(zip(names, (v.strip('"') for v in values), strict=True))


async def test_rows_refused_and_none_in_exits_1(tmp_path: Path, app: App, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + good("BAD-1", craft="lukisan"))
    assert await _import(app.settings, path) == 1
    assert len(capsys.readouterr().err.splitlines()) == 1


async def test_two_imports_of_one_file_at_once_both_succeed(tmp_path: Path, database_url: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "".join(good(f"BTK-{i:04d}-YK", organizer=f"Dinas {i % 7}") for i in range(600)))
    settings = Settings(database_url=database_url)
    first, second = await asyncio.gather(_import(settings, path), _import(settings, path))
    assert (first, second) == (0, 0)
    from bot.app import open_app

    async with open_app(settings, migrate=False) as app:
        assert await count(app, Training) == 600
        assert await count(app, Organizer) == 7


async def test_the_list_escapes_control_characters(app: App, capsys: pytest.CaptureFixture[str]) -> None:
    async with app.sessionmaker() as session, session.begin():
        organizer = Organizer(key="x", name="X")
        session.add(organizer)
        await session.flush()
        session.add(Training(
            code="BTK-3001-YK", title="Batik\x1b[2J\x1b]0;owned\x07\u202eevil\nline", craft="batik",
            organizer_id=organizer.id, province="34", venue="v", mode="offline",
            starts_at=datetime(2030, 1, 1, tzinfo=UTC), ends_at=datetime(2030, 1, 2, tzinfo=UTC), fee=0,
            contact="c", description="d",
        ))
    await _list(app.settings)
    out = capsys.readouterr().out
    assert "BTK-3001-YK" in out
    assert not any(ch in out for ch in "\x1b\x07\u202e")
    assert len(out.splitlines()) == 3  # header, the training, the count: the newline did not break the table
