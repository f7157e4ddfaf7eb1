#!/usr/bin/env bash
# The production shape on this machine, on loopback: PostgreSQL, Redis, ChromaDB server,
# llama.cpp's OpenAI-compatible server, two Rasa servers, two app servers and nginx in front
# (deploy/topology.py). Sets everything up first, like `make run`. Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"
bash scripts/setup.sh
model="$(bash scripts/train.sh)"
exec "$VENV/bin/python" -m deploy.topology up --model "$model" "$@"
