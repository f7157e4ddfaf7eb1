#!/usr/bin/env bash
# Sets everything up and runs every test: unit, API, and integration against the real trained
# Rasa and the real app, the production topology (tests/production), then the fast suite again
# on a real PostgreSQL server. Extra arguments go to pytest instead (e.g. `-m "not rasa"`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
bash scripts/setup.sh
export MINWON_RASA_MODEL="$(bash scripts/train.sh)"
if (($#)); then exec "$VENV/bin/pytest" "$@"; fi
"$VENV/bin/pytest"
say "the fast suite again, on PostgreSQL"
exec "$VENV/bin/pytest" -m "not rasa" --database=postgresql tests/unit tests/api
