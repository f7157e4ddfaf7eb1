#!/usr/bin/env bash
# Trains an NLU model per pipeline in benchmarks/nlu_configs/ and evaluates each on the held-out
# sets (benchmarks/nlu_eval.py); results in benchmarks/results/nlu_<config>.json and train times
# in benchmarks/results/nlu_train_times.txt. Slow (minutes per pipeline on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
out="benchmarks/results"; mkdir -p "$out"
for config in benchmarks/nlu_configs/${1:-*}.yml; do
  name="$(basename "$config" .yml)"
  tmp="$CACHE/nlu-compare"; mkdir -p "$tmp"
  start=$(date +%s)
  RASA_CACHE_DIRECTORY="$CACHE/rasa-cache" "$VENV_RASA/bin/rasa" train nlu --config "$config" \
    --nlu data/nlu --out "$tmp" --fixed-model-name "$name" >"$tmp/train.log" 2>&1
  echo "$name $(( $(date +%s) - start )) s" | tee -a "$out/nlu_train_times.txt"
  "$VENV_RASA/bin/python" benchmarks/nlu_eval.py "$tmp/$name.tar.gz" --name "$name" 2>"$tmp/$name.eval.log" \
    | grep "^|" || { tail -5 "$tmp/$name.eval.log"; true; }
done
