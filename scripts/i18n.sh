#!/usr/bin/env bash
# Extract the Indonesian msgids into locales/messages.pot and merge them into the English catalogue.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _ --no-location --sort-output --omit-header -o locales/messages.pot bot handlers
if [ -f locales/en/LC_MESSAGES/messages.po ]; then
  .venv/bin/pybabel update --no-fuzzy-matching --ignore-obsolete -i locales/messages.pot -d locales -l en
else
  .venv/bin/pybabel init -i locales/messages.pot -d locales -l en
fi
