#!/usr/bin/env bash
# Set up and run the whole test suite (and the linter). PostgreSQL too when TEST_DATABASE_URL is set.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
# The browser tests drive Debian's Chromium through Playwright (never `playwright install`: no browser download).
# Certificates are drawn with Debian's Noto fonts (every script a name may be in); poppler's pdftoppm renders them.
missing=""
[ -x /usr/bin/chromium ] || missing="chromium"
[ -f /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || missing="$missing fonts-noto-core"
[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$missing fonts-noto-cjk"
command -v pdftoppm >/dev/null || missing="$missing poppler-utils"
if [ -n "$missing" ] && command -v apt-get >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # shellcheck disable=SC2086
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null; } \
    || echo "$missing could not be installed: the browser and certificate tests will fail or be skipped" >&2
fi
.venv/bin/ruff check .
.venv/bin/mypy
# One worker per core (pytest-xdist); each worker has its own PostgreSQL database (tests/conftest.py).
.venv/bin/python -m pytest -q -n "${KRIYA_TEST_WORKERS:-auto}" "$@"
