#!/usr/bin/env bash
# Creates everything Minwon needs, idempotently, from pinned files in the repo:
#   Debian packages (installs them when root, else says what to install),
#   .venv (Python 3.11: app, actions, knowledge) from requirements/app.lock,
#   .venv-rasa (Python 3.10: rasa 3.6) from requirements/rasa.lock,
#   the llama-cpp-python wheel, built once with portable CPU flags into the cache,
#   npm packages for the browser tests (package-lock.json) into the cache.
# Re-running it when nothing changed takes a few seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

# --- Debian packages --------------------------------------------------------------------
missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < scripts/debian-packages.txt
# Debian's nodejs comes without npm (a separate package); NodeSource's nodejs includes it.
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing Debian packages; run as root: apt-get update && apt-get install -y ${missing[*]}"
  fi
fi

# --- Pythons -----------------------------------------------------------------------------
PY311="$(find_python 3.11)" || die "Python 3.11 not found (PATH or pyenv). Install it, e.g. 'pyenv install 3.11'."
PY310="$(find_python 3.10)" || die "Python 3.10 not found (PATH or pyenv): Rasa 3.6 runs only on Python ≤ 3.10. Install it, e.g. 'pyenv install 3.10.13'."

# --- uv (resolver/installer), kept in the cache -------------------------------------------
UV="$CACHE/tools/bin/uv"
if ! "$UV" --version 2>/dev/null | grep -q "$UV_VERSION"; then
  say "installing uv $UV_VERSION into $CACHE/tools"
  "$PY311" -m venv "$CACHE/tools"
  "$CACHE/tools/bin/pip" install -q "uv==$UV_VERSION"
fi

# --- llama-cpp-python, compiled once, portable ---------------------------------------------
bash scripts/build-llama-wheel.sh "$LLAMA_VERSION" "$PY311" "$CACHE/wheels"

# The CPU build of torch 2.13.0 lies on these machines in /opt/wheels (PyPI has only CUDA builds).
FIND_LINKS=(--find-links "$CACHE/wheels")
[ -d /opt/wheels ] && FIND_LINKS+=(--find-links /opt/wheels)
ls /opt/wheels/torch-2.13.0+cpu-*.whl >/dev/null 2>&1 \
  || die "the CPU build of torch 2.13.0 (torch-2.13.0+cpu wheel) is not in /opt/wheels"

stamp_of() { echo "$(files_hash "$@")"; }
up_to_date() { [ -f "$1/.minwon-stamp" ] && [ "$(cat "$1/.minwon-stamp")" = "$2" ]; }
sync_venv() {  # sync_venv DIR PYTHON LOCKFILE  (fails loudly: not called in a condition)
  say "creating $(basename "$1") from $3"
  [ -x "$1/bin/python" ] || "$UV" venv -q --python "$2" "$1"
  "$UV" pip sync -q --python "$1/bin/python" "${FIND_LINKS[@]}" "$3"
}

stamp="$(stamp_of requirements/app.lock pyproject.toml) $("$PY311" --version 2>&1)"
if ! up_to_date "$VENV" "$stamp"; then
  sync_venv "$VENV" "$PY311" requirements/app.lock
  "$UV" pip install -q --python "$VENV/bin/python" --no-deps -e .
  echo "$stamp" > "$VENV/.minwon-stamp"
fi
stamp="$(stamp_of requirements/rasa.lock) $("$PY310" --version 2>&1)"
if ! up_to_date "$VENV_RASA" "$stamp"; then
  sync_venv "$VENV_RASA" "$PY310" requirements/rasa.lock
  echo "$stamp" > "$VENV_RASA/.minwon-stamp"
fi

# --- front-end packages from the npm registry (axe-core for the accessibility tests) --------
stamp="$(stamp_of package.json package-lock.json)"
if ! up_to_date "$CACHE/node" "$stamp"; then
  say "installing npm packages (package-lock.json) into $CACHE/node"
  mkdir -p "$CACHE/node"
  cp package.json package-lock.json "$CACHE/node/"
  (cd "$CACHE/node" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$stamp" > "$CACHE/node/.minwon-stamp"
fi

# --- secrets the app and Rasa share, created once with 0600 --------------------------------
mkdir -p "$VAR/keys"
chmod 700 "$VAR/keys"
if [ ! -s "$VAR/keys/rasa-token" ]; then
  (umask 077; "$PY311" -c "import secrets; print(secrets.token_urlsafe(32))" > "$VAR/keys/rasa-token")
fi
if [ ! -s "$VAR/keys/pii.key" ] && [ -z "${MINWON_PII__KEY:-}" ]; then
  (umask 077; "$PY311" -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > "$VAR/keys/pii.key")
fi
say "setup complete"
