#!/usr/bin/env bash
# Sets up OrderDesk with its test tools and runs the whole test suite, on SQLite and on
# PostgreSQL (ORDERDESK_TEST_PG_URL, default: the local server on 127.0.0.1:5432, database test).
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh" "[test]"
export QT_QPA_PLATFORM=offscreen
export ORDERDESK_TEST_PG_URL="${ORDERDESK_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
cd "$ROOT"
exec "$VENV/bin/python" -m pytest "$@"
