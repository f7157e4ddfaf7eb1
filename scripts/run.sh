#!/usr/bin/env bash
# Sets everything up and runs the whole system on its embedded defaults: Rasa (trained only when
# its inputs changed), the knowledge store (re-embedded only where documents changed) and the app,
# on loopback. Waits until both answer, prints the URLs, and
# stops both on Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
bash scripts/setup.sh
model="$(bash scripts/train.sh)"
# Procedure documents → vector store; only new or edited documents are embedded again.
"$VENV/bin/minwon" knowledge ingest

APP_PORT="${MINWON_APP__PORT:-8000}"
RASA_PORT="${MINWON_RASA_PORT:-5005}"
HOST="${MINWON_APP__HOST:-127.0.0.1}"
mkdir -p "$VAR/logs"
export MINWON_RASA__URL="http://127.0.0.1:$RASA_PORT"
export MINWON_ACTION_URL="http://127.0.0.1:$APP_PORT/webhook"
export MINWON_NLG_URL="http://127.0.0.1:$APP_PORT/nlg"
export MINWON_TRACKER_DB="${MINWON_TRACKER_DB:-$VAR/rasa-tracker.db}"
export MINWON_APP__PUBLIC_URL="${MINWON_APP__PUBLIC_URL:-http://$HOST:$APP_PORT}"
token="${MINWON_RASA__TOKEN:-$(cat "$VAR/keys/rasa-token")}"

pids=()
started=$(date +%s)
stop() {
  trap - INT TERM EXIT
  say "stopping"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  exit 0
}
trap stop INT TERM EXIT

say "starting Rasa on 127.0.0.1:$RASA_PORT (model $(basename "$model"); log $VAR/logs/rasa.log)"
"$VENV_RASA/bin/rasa" run --model "$model" --endpoints bot/endpoints.yml \
  --credentials bot/credentials.yml --enable-api --auth-token="$token" \
  -i 127.0.0.1 -p "$RASA_PORT" >"$VAR/logs/rasa.log" 2>&1 &
pids+=($!)
say "starting the app on $HOST:$APP_PORT (log $VAR/logs/app.log)"
"$VENV/bin/minwon" serve --host "$HOST" --port "$APP_PORT" >"$VAR/logs/app.log" 2>&1 &
pids+=($!)

wait_for() {  # wait_for NAME URL PID
  for _ in $(seq 1 180); do
    if curl -fsS "$2" >/dev/null 2>&1; then return 0; fi
    kill -0 "$3" 2>/dev/null || { tail -30 "$VAR/logs/$1.log" >&2; die "$1 exited (log above)"; }
    sleep 1
  done
  die "$1 did not answer within 3 minutes ($VAR/logs/$1.log)"
}
wait_for app "http://127.0.0.1:$APP_PORT/healthz" "${pids[1]}"
wait_for rasa "http://127.0.0.1:$RASA_PORT/status?token=$token" "${pids[0]}"
cat <<MSG

  Minwon is running (ready in $(( $(date +%s) - started )) s).
    Front page         http://$HOST:$APP_PORT/            (the web widget embedded)
    Kiosk              http://$HOST:$APP_PORT/kiosk
    Staff review desk  http://$HOST:$APP_PORT/staff       (accounts: minwon staff create-user)
    Citizen chat API   http://$HOST:$APP_PORT/api/conversations
    API docs           http://$HOST:$APP_PORT/docs
    Health             http://$HOST:$APP_PORT/healthz
    Rasa (loopback)    http://127.0.0.1:$RASA_PORT
  Logs in $VAR/logs. Press Ctrl-C to stop.

MSG
wait -n "${pids[@]}" || true
die "a process stopped unexpectedly; see $VAR/logs"
