#!/usr/bin/env bash
# Regenerates the Qt Linguist sources resources/i18n/orderdesk_*.ts from app/ui/*.py.
# Existing translations are kept; new strings arrive as "unfinished" and need a translation
# (tests/ui/test_i18n.py fails until they have one). Translate with pyside6-linguist or by hand.
# The compiled .qm files are not committed: the app compiles them at run time (app/ui/i18n.py).
#
#   scripts/update-translations.sh            # updates resources/i18n/
#   TS_DIR=/tmp/x scripts/update-translations.sh   # updates the .ts files in another folder
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TS_DIR="${TS_DIR:-$ROOT/resources/i18n}"
LUPDATE="${LUPDATE:-$ROOT/.venv/bin/pyside6-lupdate}"
if [ ! -x "$LUPDATE" ]; then
  LUPDATE="$(command -v pyside6-lupdate || true)"
fi
if [ -z "$LUPDATE" ]; then
  echo "pyside6-lupdate not found; create the virtual environment first (run-tests.sh does)." >&2
  exit 1
fi
cd "$ROOT"
mkdir -p "$TS_DIR"
# launch.py translates through a module-level helper _tr(); lupdate files those strings under
# the empty context, which is the context _tr() uses.
OPTIONS=(-tr-function-alias "tr+=_tr" -no-obsolete -locations none -source-language en)
SOURCES=(app/ui/*.py)
# German: every string.
"$LUPDATE" "${OPTIONS[@]}" -target-language de "${SOURCES[@]}" -ts "$TS_DIR/orderdesk_de.ts"
# English is the source language; its .ts only holds the plural forms of the "%n ..." strings.
"$LUPDATE" "${OPTIONS[@]}" -pluralonly -target-language en "${SOURCES[@]}" -ts "$TS_DIR/orderdesk_en.ts"
