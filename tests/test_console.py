"""`kriya chat` and friends as a newcomer runs them: real processes, real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def kriya(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'kriya.db'}", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, env=env,
        cwd=tmp_path, timeout=120,
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("console")
    done = kriya(path, "seed", "--demo")
    assert done.returncode == 0, done.stderr
    assert "demo" in done.stdout
    return path


def test_chat_reads_one_message_per_line_and_numbers_options(seeded: Path) -> None:
    done = kriya(seeded, "chat", "--user", "081234", stdin="/start\n1\n")
    assert done.returncode == 0, done.stderr
    assert "Halo" in done.stdout
    assert "  1. Pelatihan" in done.stdout
    assert "Pelatihan mendatang" in done.stdout  # "1" chose the first option


def test_keluar_ends_a_piped_chat_as_in_a_terminal(seeded: Path) -> None:
    done = kriya(seeded, "chat", "--user", "081235", stdin="halo\nkeluar\nBTK-YK-01\n")
    assert done.returncode == 0, done.stderr
    assert "Halo" in done.stdout and "BTK-YK-01" not in done.stdout  # nothing after "keluar" was sent


def test_chat_json_lines_and_state_carried_between_runs(seeded: Path) -> None:
    first = kriya(seeded, "chat", "--user", "0877", "--json", stdin="/pelatihan\n")
    replies = [json.loads(line) for line in first.stdout.splitlines()]
    assert replies and set(replies[0]) == {"text", "buttons"}
    title = replies[0]["buttons"][1]["title"]
    assert replies[0]["buttons"][1]["payload"].startswith("td:")
    second = kriya(seeded, "chat", "--user", "0877", "--json", stdin="2\n")  # a new process remembers the list
    assert json.loads(second.stdout.splitlines()[0])["text"].startswith(title)


def test_chat_in_english(seeded: Path) -> None:
    done = kriya(seeded, "chat", "--user", "asean", "--lang", "en", stdin="/start\n")
    assert "I'm Kriya" in done.stdout or "Kriya" in done.stdout
    assert "Trainings" in done.stdout


def test_trainings_list_and_import_errors(seeded: Path, tmp_path: Path) -> None:
    listed = kriya(seeded, "trainings", "list")
    assert listed.returncode == 0 and "BTK-YK-01" in listed.stdout and "WITA" in listed.stdout
    line = next(line for line in listed.stdout.splitlines() if line.startswith("KRM-BTL-01"))
    assert "Kabupaten Bantul" in line and " 34.02 " not in line  # names, not Kemendagri codes
    assert "11 of 15" in line and " 4 " in line  # seats taken and free, said as such
    bad = tmp_path / "bad.csv"
    bad.write_text("code,title\nX-1,y\n")
    done = kriya(seeded, "trainings", "import", str(bad))
    assert done.returncode == 2 and "missing column" in done.stderr and "Traceback" not in done.stderr
    missing = kriya(seeded, "trainings", "import", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "file not found" in missing.stderr


def test_understand_prints_the_contract_keys(seeded: Path) -> None:
    done = kriya(seeded, "understand", "--today", "2026-11-23", stdin="halo\npelatihan batik\n")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2
    assert list(lines[0]) == ["text", "intent", "craft", "province", "regency", "topic", "number", "date_from",
                              "date_to", "confidence"]


def test_understand_takes_each_argument_as_one_message(seeded: Path) -> None:
    done = kriya(seeded, "understand", "--today", "2026-11-23", "halo", "pelatihan batik di jogja", "tips kemasan")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["text"] for line in lines] == ["halo", "pelatihan batik di jogja", "tips kemasan"]
    assert [line["intent"] for line in lines] == ["greeting", "training_search", "market_tips"]


def test_migrations_are_logged_once_to_stderr_and_only_when_applied(tmp_path: Path) -> None:
    first = kriya(tmp_path, "trainings", "list")
    assert first.returncode == 0, first.stderr
    assert "alembic" not in first.stdout + first.stderr and "migrat" not in first.stdout
    assert len([line for line in first.stderr.splitlines() if "migrated" in line]) == 1
    second = kriya(tmp_path, "trainings", "list")
    assert second.returncode == 0 and second.stderr == ""


def test_bad_arguments_exit_non_zero(seeded: Path) -> None:
    done = kriya(seeded, "understand", "--today", "kemarin")
    assert done.returncode != 0 and "today" in done.stderr
