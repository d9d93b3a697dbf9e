#!/usr/bin/env bash
# Builds the OrderDesk bundle and .deb from a bare checkout: creates .venv with the build tools
# (scripts/venv.sh, the same environment run-demo.sh and run-tests.sh use), then runs
# installer/build.py --package. Arguments are passed on, e.g. --dist /tmp/out.
#   installer/build.sh                  -> dist/orderdesk/ and dist/orderdesk_<version>_<arch>.deb
set -euo pipefail
source "$(dirname "$0")/../scripts/venv.sh" "[build]"
cd "$ROOT"
exec "$VENV/bin/python" installer/build.py --package "$@"
