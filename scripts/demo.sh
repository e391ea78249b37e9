#!/usr/bin/env bash
# Set up Kriya on the embedded default (SQLite, no token needed), load the demo catalogue, open the chat.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
.venv/bin/kriya seed --demo
exec .venv/bin/kriya chat "$@"
