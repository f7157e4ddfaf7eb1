#!/usr/bin/env bash
# Sets everything up and runs every test: unit, API, and integration against the real trained
# Rasa and the real app. Extra arguments go to pytest (e.g. `-m "not rasa"` for a quick run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
bash scripts/setup.sh
export MINWON_RASA_MODEL="$(bash scripts/train.sh)"
exec "$VENV/bin/pytest" "$@"
