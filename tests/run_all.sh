#!/usr/bin/env bash
# The whole test suite: sets up what is missing, then builds and tests every configuration CI checks.
#   modules  clang 19, C++20 named modules, -Dwerror=true      all suites
#   gcc      g++ 12, header mode, -Dwerror=true, rt a static PIE all suites
#   asan     clang 19, header mode, ASan+UBSan                  unit + integration
#   tsan     clang 19, header mode, TSan                        tsan
#   fuzz     clang 19, libFuzzer + ASan+UBSan, 60 s a target    fuzz
# Prints one line per test and ends with "N passed, N failed". RUNTIME_CONFIGS="modules gcc" picks a subset.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash .ci/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
out=${RUNTIME_BUILD_ROOT:-$root/build}
configs=${RUNTIME_CONFIGS:-modules gcc asan tsan fuzz}
export RUNTIME_PEERS=$root/tests/peers/node_modules/.bin
passed=0 failed=0
declare -a failures=()

count() {  # $1: build dir; adds its testlog.json results to the totals
  local r
  r=$(python3 - "$1/meson-logs/testlog.json" <<'PY'
import json, sys
p = f = 0
names = []
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["result"] in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif t["result"] != "SKIP":
        f += 1
        names.append(t["name"].replace(" ", ""))
print(p, f, " ".join(names))
PY
)
  set -- $r
  passed=$((passed + $1)); failed=$((failed + $2)); shift 2
  for n in "$@"; do failures+=("$cfg/$n"); done
}

for cfg in $configs; do
  dir=$out/$cfg
  case $cfg in
    modules) cxx=clang++-19; opts=(-Dmodules=enabled -Dwerror=true -Dbenchmarks=true); suites=() ;;
    gcc) cxx=g++-12; opts=(-Dmodules=disabled -Dwerror=true -Dbenchmarks=true -Dallocator=system -Drt_static=true); suites=() ;;
    asan) cxx=clang++-19; opts=(-Dmodules=disabled -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug)
          suites=(--suite unit --suite integration) ;;
    tsan) cxx=clang++-19; opts=(-Dmodules=disabled -Db_sanitize=thread -Db_lundef=false); suites=(--suite tsan) ;;
    fuzz) cxx=clang++-19; opts=(-Dmodules=disabled -Dfuzzers=true -Dexamples=false); suites=(--suite fuzz) ;;
    *) echo "unknown configuration $cfg" >&2; failed=$((failed + 1)); continue ;;
  esac
  echo "== $cfg: configure and build ($cxx ${opts[*]})"
  if [ -f "$dir/build.ninja" ]; then
    setup=(meson setup --reconfigure "$dir" "${opts[@]}")
  else
    setup=(meson setup "$dir" "${opts[@]}")
  fi
  if ! CXX=$cxx "${setup[@]}" >"$out.$cfg.setup.log" 2>&1; then
    cat "$out.$cfg.setup.log"; failed=$((failed + 1)); failures+=("$cfg/configure"); continue
  fi
  if ! ninja -C "$dir" >"$out.$cfg.build.log" 2>&1; then
    grep -E -A5 "error|FAILED" "$out.$cfg.build.log" | head -60; failed=$((failed + 1)); failures+=("$cfg/build"); continue
  fi
  echo "== $cfg: test"
  rm -f "$dir/meson-logs/testlog.json"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ASAN_OPTIONS=detect_leaks=1 \
    meson test -C "$dir" --print-errorlogs --no-rebuild "${suites[@]}" 2>&1 | grep -vE "^(Expected Fail|Unexpected Pass|Skipped|Timeout|Full log)"
  if [ -f "$dir/meson-logs/testlog.json" ]; then
    count "$dir"
  elif ! meson test -C "$dir" --list "${suites[@]}" 2>/dev/null | grep -q .; then
    echo "(no tests in $cfg)"
  else
    failed=$((failed + 1)); failures+=("$cfg/test")
  fi
done
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
