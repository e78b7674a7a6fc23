#!/usr/bin/env bash
# Runs the plain-clang recipe of docs/modules-without-meson.md as written: installs this repository into a
# temporary prefix, extracts the doc's sh block, runs it in an empty directory on tests/consumer/main.cpp, and
# runs the program it built. usage: modules_plain.sh <source root> <clang++>
set -euo pipefail
src=$1 clang=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
meson setup "$work/build" "$src" --prefix="$work/prefix" -Dmodules=disabled -Dtests=false -Dexamples=false \
  >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
meson install -C "$work/build" >"$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
python3 - "$src/docs/modules-without-meson.md" >"$work/recipe.sh" <<'PY'
import re, sys
blocks = re.findall(r"```sh\n(.*?)```", open(sys.argv[1]).read(), re.S)
assert len(blocks) == 1, "the doc must hold exactly one sh block: the recipe"
print(blocks[0])
PY
mkdir "$work/out"
(cd "$work/out" && PREFIX=$work/prefix SRC=$src/tests/consumer/main.cpp CXX=$clang bash -e "$work/recipe.sh") ||
  { echo "FAIL: the recipe did not build"; exit 1; }
out=$(CONSUMER_PROBE=hello "$work/out/app")
echo "$out"
[ "$out" = "modules hello" ]
