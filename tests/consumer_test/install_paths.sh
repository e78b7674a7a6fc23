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
# Installing with clang (module mode on by default) installs the interface units and builds nothing either:
# the BMIs are built by whoever imports them (docs/modules-without-meson.md).
for cxx in "$@"; do
  case $(basename "$cxx") in clang*) ;; *) continue ;; esac
  CXX=$cxx meson setup "$work/build-clang" "$src" --prefix="$work/prefix-clang" -Dtests=false -Dexamples=false \
    >"$work/setup-clang.log" 2>&1 || fail "meson setup with $cxx"
  grep -qiE "modules *: *(yes|true)" "$work/setup-clang.log" || fail "$cxx: module mode is not on by default"
  meson install -C "$work/build-clang" >"$work/install-clang.log" 2>&1 || fail "meson install with $cxx"
  built=$(find "$work/build-clang" -name '*.pcm' -o -name '*.o' | wc -l)
  [ "$built" -eq 0 ] || fail "meson install with $cxx built $built module objects nobody installs"
  [ -f "$work/prefix-clang/share/runtime/modules/runtime.env.cppm" ] || fail "the interface units are not installed"
  echo "ok: meson install with $(basename "$cxx") builds nothing"
done
pc=$(dirname "$(find "$prefix" -name runtime.pc)")
# The .pc is header mode for any consumer: toml++ and nlohmann-json through their own .pc files, no -std
# (the consumer picks its C++20 mode), no build-type switch (RUNTIME_DEBUG_ALLOCATOR follows the consumer's
# NDEBUG, and its ABI tag keeps a mix apart).
pcfile=$(find "$prefix" -name runtime.pc)
grep -q '^Requires:.*nlohmann_json' "$pcfile" && grep -q '^Requires:.*tomlplusplus' "$pcfile" ||
  fail "runtime.pc lacks Requires on nlohmann_json and tomlplusplus: $(grep Requires "$pcfile")"
! grep -q -- '-std=\|RUNTIME_DEBUG_ALLOCATOR' "$pcfile" || fail "runtime.pc carries -std or the allocator switch"
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
  # shellcheck disable=SC2086
  "$cxx" -std=gnu++20 -DNDEBUG -O2 -o "$work/pc-gnu-$tag" "$src/tests/consumer/main.cpp" $flags \
    >"$work/pc-gnu-$tag.log" 2>&1 || fail "pkg-config build with $cxx -std=gnu++20 -DNDEBUG"
  check "pkg-config, $tag, gnu++20 release" "$work/pc-gnu-$tag"
done
cmake -S "$src/tests/consumer/cmake" -B "$work/cm-pkg" -DRUNTIME_VIA=package -DCMAKE_PREFIX_PATH="$prefix" \
  >"$work/cmake-pkg.log" 2>&1 || fail "cmake find_package configure"
cmake --build "$work/cm-pkg" >>"$work/cmake-pkg.log" 2>&1 || fail "cmake find_package build"
check "cmake find_package" "$work/cm-pkg/consumer"
cmake -S "$src/tests/consumer/cmake" -B "$work/cm-sub" -DRUNTIME_VIA=subdir -DRUNTIME_SOURCE="$src" \
  >"$work/cmake-sub.log" 2>&1 || fail "cmake add_subdirectory configure"
cmake --build "$work/cm-sub" >>"$work/cmake-sub.log" 2>&1 || fail "cmake add_subdirectory build"
check "cmake add_subdirectory" "$work/cm-sub/consumer"
