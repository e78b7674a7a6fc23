#!/usr/bin/env bash
# A vendored copy, as README's "Vendoring" table documents it: each module's umbrella header compiles with
# `g++ -std=c++20 -I<vendor>` where <vendor> holds only runtime/ and the third-party headers the table names
# for that module. Debian's copies in /usr/include are made unreachable: the compiler runs with -nostdinc and
# its own search list, /usr/include replaced by a mirror without nlohmann/, toml++/ and mimalloc*.h; the
# dependency list (-M) confirms every third-party header came from <vendor>. Then tests/consumer/main.cpp is
# built that way and run.
# usage: vendored.sh <source root> <c++>
set -euo pipefail
src=$1 cxx=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# module: the third-party headers README says it needs
declare -A needs=(
  [error]="" [log]="nlohmann" [alloc]="nlohmann" [env]="" [flags]="nlohmann toml++"
  [cli]="" [signal]="nlohmann" [run]="nlohmann" [app]="nlohmann toml++"
  [runtime]="nlohmann toml++" [alloc-mimalloc]="nlohmann mimalloc")
# The system include directories without the third-party headers.
mirror=$work/usr-include
mkdir -p "$mirror"
for e in /usr/include/*; do
  case $(basename "$e") in nlohmann|toml++|mimalloc*) continue ;; esac
  ln -s "$e" "$mirror/"
done
search=()
while read -r dir; do
  [ "$dir" = /usr/include ] && dir=$mirror
  search+=(-isystem "$dir")
done < <("$cxx" -std=c++20 -xc++ -E -v - </dev/null 2>&1 | sed -n '/^#include <...> search starts here:/,/^End of search list./p' | sed '1d;$d' | sed 's/^ *//')
[ ${#search[@]} -gt 2 ] || fail "could not read the compiler's include search list"
cxx_vendored() { "$cxx" -nostdinc "${search[@]}" "$@"; }
copy() {  # $1: vendor dir, $2: one of nlohmann toml++ mimalloc
  case $2 in
    nlohmann) cp -r /usr/include/nlohmann "$1/" ;;
    toml++) cp -r /usr/include/toml++ "$1/" ;;
    mimalloc) cp /usr/include/mimalloc.h "$1/" ;;
  esac
}
for m in "${!needs[@]}"; do
  v=$work/$m
  mkdir -p "$v"
  cp -r "$src/modules/runtime" "$v/"
  for d in ${needs[$m]}; do copy "$v" "$d"; done
  header=runtime/$m.hpp
  [ "$m" = alloc-mimalloc ] && header=runtime/alloc/mimalloc.hpp
  echo "#include <$header>" >"$work/$m.cpp"
  cxx_vendored -std=c++20 -I"$v" -M "$work/$m.cpp" >"$work/$m.d" 2>"$work/$m.err" ||
    fail "$m: $header does not preprocess with only ${needs[$m]} vendored: $(head -5 "$work/$m.err")"
  if stray=$(tr ' \\' '\n\n' <"$work/$m.d" | grep -E '^/usr/include/(nlohmann|toml\+\+|mimalloc)' | head -3) &&
     [ -n "$stray" ]; then
    fail "$m: uses third-party headers README does not list for it: $stray"
  fi
  echo "ok: $header needs only: ${needs[$m]:-nothing}"
done
# Without mimalloc vendored, alloc has no mimalloc_allocator (and needs no <mimalloc.h>).
echo '#include <runtime/alloc.hpp>
static_assert(runtime::Allocator<runtime::system_allocator>);' >"$work/no-mi.cpp"
cxx_vendored -std=c++20 -I"$work/alloc" -fsyntax-only "$work/no-mi.cpp" || fail "alloc without mimalloc"
# A whole program, compiled and linked as README shows (-DRUNTIME_USE_MODULES=0: main.cpp tests the macro);
# env needs no third-party header at all.
v=$work/env
cxx_vendored -std=c++20 -DRUNTIME_USE_MODULES=0 -I"$v" -o "$work/consumer" "$src/tests/consumer/main.cpp" -pthread 2>"$work/build.err" ||
  fail "the vendored consumer does not build: $(tail -5 "$work/build.err")"
out=$(CONSUMER_PROBE=hello "$work/consumer")
[ "$out" = "headers hello" ] || fail "the vendored consumer printed '$out'"
echo "ok: g++ -std=c++20 -I<vendor> main.cpp -pthread builds and runs"
# The mirror really hides Debian's copies: runtime/flags.hpp without toml++ vendored fails.
cxx_vendored -std=c++20 -I"$work/env" -fsyntax-only -xc++ - <<<'#include <runtime/flags.hpp>' 2>/dev/null &&
  fail "runtime/flags.hpp compiled without toml++ vendored: /usr/include is still reachable"
echo "ok: a header missing from <vendor> is an error (Debian's copies are out of reach)"
