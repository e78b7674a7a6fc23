#!/usr/bin/env bash
# Builds tests/consumer against this repository as a Meson subproject, in the mode given ($1: modules|headers),
# with the compiler given ($2), then runs it. A consumer compiles with -std=c++20 (or the cpp_std given as $4,
# e.g. gnu++20: the module-mode dependency must still import its BMIs) and nothing else special.
set -euo pipefail
src=$3 mode=$1 cxx=$2 std=${4:-c++20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$src/tests/consumer/." "$work/"
mkdir -p "$work/subprojects"
ln -s "$src" "$work/subprojects/runtime"
sed -i "s/'cpp_std=c++20'/'cpp_std=$std'/" "$work/meson.build"
grep -q "cpp_std=$std'" "$work/meson.build"
feature=$([ "$mode" = modules ] && echo enabled || echo disabled)
CXX=$cxx meson setup "$work/build" "$work" -Druntime:modules=$feature >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
ninja -C "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
out=$(CONSUMER_PROBE=hello "$work/build/consumer")
echo "$out"
[ "$out" = "$mode hello" ]
