#!/usr/bin/env bash
# Sets up OrderDesk (virtual environment, dependencies) and starts the desktop app on its
# demo profile: a built-in marketplace sandbox with demo accounts, data kept apart from real data.
set -euo pipefail
source "$(dirname "$0")/scripts/venv.sh"
exec "$VENV/bin/orderdesk" --demo "$@"
