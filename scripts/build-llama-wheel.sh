#!/usr/bin/env bash
# Builds the llama-cpp-python wheel once, portable (no -march=native: these CPUs advertise AMX
# and a native build dies with "Illegal instruction"), into the cache outside the repo.
set -euo pipefail
version="$1"; python="$2"; dest="$3"
mkdir -p "$dest"
if ls "$dest"/llama_cpp_python-"$version"-*.whl >/dev/null 2>&1; then exit 0; fi
echo "building llama-cpp-python $version (portable, about 10 min on 2 cores; done once, cached in $dest)"
export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
export CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)"
tmp="$(mktemp -d)"
"$python" -m pip wheel --no-deps --no-cache-dir -w "$tmp" "llama-cpp-python==$version"
mv "$tmp"/llama_cpp_python-*.whl "$dest"/
rm -rf "$tmp"
