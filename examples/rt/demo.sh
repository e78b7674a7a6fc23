#!/usr/bin/env bash
# README's first command: installs what is missing, builds rt (clang 19, C++20 modules; g++ headers where
# clang 19 is absent) and runs it on a real job.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
bash .ci/setup.sh
dir=$root/build/release
if [ ! -f "$dir/build.ninja" ]; then
  CXX=clang++-19 meson setup "$dir" -Dbuildtype=release -Dtests=false >/dev/null
fi
ninja -C "$dir" rt >/dev/null
rt=$dir/examples/rt
echo "\$ rt --version"; "$rt" --version
echo "\$ rt --help"; "$rt" --help
