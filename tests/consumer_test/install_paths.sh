#!/usr/bin/env bash
# Installs this repository (header mode) into a temporary prefix and builds tests/consumer/main.cpp the ways a
# user outside Meson does, then runs each: pkg-config with every compiler given, CMake find_package() of the
# installed copy, CMake add_subdirectory() of the source tree. usage: install_paths.sh <source root> <c++>...
set -euo pipefail
src=$1; shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
fail() { echo "FAIL: $*"; for l in "$work"/*.log; do echo "--- $l"; tail -30 "$l"; done; exit 1; }
meson setup "$work/build" "$src" --prefix="$prefix" -Dmodules=disabled -Dtests=false -Dexamples=false \
  >"$work/setup.log" 2>&1 || fail "meson setup"
meson install -C "$work/build" >"$work/install.log" 2>&1 || fail "meson install"
built=$(find "$work/build" -name '*.pcm' -o -name '*.o' | wc -l)
[ "$built" -eq 0 ] || fail "meson install built $built objects; a header-only install builds none"
pc=$(dirname "$(find "$prefix" -name runtime.pc)")
check() {  # $1: what, $2: binary
  out=$(CONSUMER_PROBE=hello "$2") || fail "$1: the program failed"
  [ "$out" = "headers hello" ] || fail "$1: printed '$out'"
  echo "ok: $1"
}
for cxx in "$@"; do
  tag=$(basename "$cxx")
  flags=$(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs runtime) || fail "pkg-config runtime"
  # shellcheck disable=SC2086
  "$cxx" -std=c++20 -o "$work/pc-$tag" "$src/tests/consumer/main.cpp" $flags >"$work/pc-$tag.log" 2>&1 ||
    fail "pkg-config build with $cxx"
  check "pkg-config, $tag" "$work/pc-$tag"
done
cmake -S "$src/tests/consumer/cmake" -B "$work/cm-pkg" -DRUNTIME_VIA=package -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/cmake-pkg.log" 2>&1 || fail "cmake find_package configure"
cmake --build "$work/cm-pkg" >>"$work/cmake-pkg.log" 2>&1 || fail "cmake find_package build"
check "cmake find_package" "$work/cm-pkg/consumer"
cmake -S "$src/tests/consumer/cmake" -B "$work/cm-sub" -DRUNTIME_VIA=subdir -DRUNTIME_SOURCE="$src" \
  >"$work/cmake-sub.log" 2>&1 || fail "cmake add_subdirectory configure"
cmake --build "$work/cm-sub" >>"$work/cmake-sub.log" 2>&1 || fail "cmake add_subdirectory build"
check "cmake add_subdirectory" "$work/cm-sub/consumer"
