#!/usr/bin/env bash
# Proves the module build's incremental correctness in a scratch copy of the tree (module mode, clang 19):
#  1. a clean build, then `ninja -n` has nothing to do;
#  2. touching a header of module <m> (a part, modules/runtime/<m>/<part>.hpp, or its umbrella) rebuilds exactly the BMIs/objects of <m> and of the modules that import
#     it (directly or not), plus the TUs that import them, and nothing else; one ninja run settles it.
# usage: check_rebuild.sh <source root> <c++ compiler>
set -euo pipefail
src=$1 cxx=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
(cd "$src" && tar --exclude='./build*' --exclude=./tests/peers/node_modules --exclude=./.git -cf - .) | (cd "$work/src" && tar -xf -)
CXX=$cxx meson setup "$work/b" "$work/src" -Dmodules=enabled -Dtests=false -Dexamples=true >/dev/null
ninja -C "$work/b" >/dev/null
fail=0
plan() { ninja -C "$work/b" -n 2>/dev/null | { grep -oE '\] .*' || true; } | sed 's/^\] //' | sort; }
first=$(plan)
if [ -n "$first" ]; then  # only bracketed edge lines are kept: any means pending work
  echo "after a clean build ninja still has work:"; echo "$first"; fail=1
fi
check() {  # $1 header under modules/runtime/ without .hpp, $2 regex of modules that must rebuild, $3 regex of modules that must not
  sleep 1.1
  touch "$work/src/modules/runtime/$1.hpp"
  local p
  p=$(plan)
  for m in $2; do
    echo "$p" | grep -q "modules/runtime\.$m\.pcm" || { echo "touching $1.hpp did not rebuild runtime.$m.pcm"; fail=1; }
    echo "$p" | grep -q "modules/runtime\.$m\.o" || { echo "touching $1.hpp did not rebuild runtime.$m.o"; fail=1; }
  done
  for m in $3; do
    if echo "$p" | grep -q "modules/runtime\.$m\.\(pcm\|o\)\b"; then echo "touching $1.hpp rebuilt runtime.$m"; fail=1; fi
  done
  echo "$p" | grep -q "examples/rt.p/rt_main.cpp.o" || { echo "touching $1.hpp did not rebuild rt's main.cpp (imports runtime)"; fail=1; }
  if echo "$p" | grep -q "global_mimalloc"; then echo "touching $1.hpp rebuilt global_mimalloc.cpp, which imports nothing"; fail=1; fi
  echo "touch $1.hpp -> $(echo "$p" | grep -c .) edges"
  ninja -C "$work/b" >/dev/null
  local again
  again=$(ninja -C "$work/b" -n | grep -c '^\[' || true)
  [ "$again" = 0 ] || { echo "touching $1.hpp needed a second ninja run ($again edges left)"; fail=1; }
}
check error/display "error log env flags cli signal" "alloc"
check log/levels "log flags signal" "error alloc env cli"
check alloc/arena "alloc" "error log env flags cli signal"
check signal "signal" "error log alloc env flags cli"
exit $fail
