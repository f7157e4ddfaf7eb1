# Shared by the scripts: paths, the cache outside the repo, and finding Pythons.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${MINWON_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/minwon}"
VENV="$ROOT/.venv"
VENV_RASA="$ROOT/.venv-rasa"
VAR="${MINWON_APP__VAR_DIR:-$ROOT/var}"
UV_VERSION="0.13.9"
LLAMA_VERSION="0.3.36"
export UV_CACHE_DIR="${UV_CACHE_DIR:-$CACHE/uv}"
export RASA_TELEMETRY_ENABLED=false

say() { printf '\033[1m[minwon]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[minwon] %s\033[0m\n' "$*" >&2; exit 1; }

# find_python 3.10 → a working interpreter of that version (PATH, then pyenv), or nothing.
find_python() {
  local want="$1" candidate
  for candidate in "python$want" "$(command -v pyenv >/dev/null 2>&1 && pyenv root)/versions/$want"*/bin/"python$want" \
                   "$HOME/.pyenv/versions/$want"*/bin/"python$want" "/usr/bin/python$want" "/usr/local/bin/python$want"; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c "import sys; assert sys.version_info[:2] == tuple(map(int, '$want'.split('.')))" >/dev/null 2>&1; then
      command -v "$candidate" 2>/dev/null || echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Hash of files, for "did this change since last time" stamps.
files_hash() { cat "$@" | sha256sum | cut -c1-20; }
