"""The test command's own output: without PostgreSQL, one line says its tests were left out (not one per test)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_without_postgresql_one_summary_line_instead_of_a_skip_per_test() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_seed.py"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SKIPPED" not in done.stdout
    assert sum("PostgreSQL tests not run" in line for line in done.stdout.splitlines()) == 1
