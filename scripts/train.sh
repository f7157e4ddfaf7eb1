#!/usr/bin/env bash
# Prints the path of a trained Rasa model for the current bot inputs, training one only when
# config, domain or data changed. Models are cached outside the repo, keyed by a hash of the
# inputs; Rasa's own training cache makes retraining after small changes quick.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
fingerprint="$("$VENV/bin/python" -m server.cli bot fingerprint)"
model="$CACHE/models/$fingerprint.tar.gz"
if [ ! -f "$model" ]; then
  say "training the Rasa model (inputs changed; cached as $fingerprint)"
  mkdir -p "$CACHE/models" "$CACHE/rasa-cache"
  tmp="$(mktemp -d)"
  start=$(date +%s)
  RASA_CACHE_DIRECTORY="$CACHE/rasa-cache" "$VENV_RASA/bin/rasa" train \
    --config bot/config.yml --domain bot/domain --data data \
    --out "$tmp" --fixed-model-name "$fingerprint" >"$tmp/train.log" 2>&1 \
    || { tail -40 "$tmp/train.log" >&2; die "rasa train failed (log above)"; }
  mv "$tmp/$fingerprint.tar.gz" "$model"
  say "trained in $(( $(date +%s) - start )) s"
  rm -rf "$tmp"
fi
echo "$model"
