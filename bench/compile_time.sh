#!/usr/bin/env bash
# Compile time as a new user meets it, side by side in one run (bench/compile_time.md holds the figures):
#  1. the BMI build: every module's BMI (--precompile) and object, in dependency order, with the flags of
#     docs/modules-without-meson.md, each timed, with the peak memory of the slowest;
#  2. one consumer translation unit using env + cli (tests/consumer's shape: an environment, a command table,
#     a parse), compiled -c with `import runtime.env; import runtime.cli;` and with the two `#include`s, and the
#     same with the umbrella (`import runtime;` vs `#include <runtime/runtime.hpp>`), at -O0 and -O2, the median
#     of 3 runs each, and the import/include ratio.
# Targets (issue 17): import <= 0.25x include at -O0, all BMIs <= 15 s.
# usage: bench/compile_time.sh [clang++-19]    (uses a temporary directory; writes nothing else)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
CXX=${1:-clang++-19}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FLAGS="-std=c++20 -pthread -I$src/modules -DTOML_HEADER_ONLY=1 -DRUNTIME_ATTACH_TO_GLOBAL_MODULE=1"
ORDER=$(python3 - "$src/meson.build" <<'PY'
import re, sys
table = open(sys.argv[1]).read().split("module_table = [", 1)[1].split("\n]\n", 1)[0]
print(" ".join(re.findall(r"\['(runtime[\w.]*)',\s*'runtime[\w.]*\.cppm'", table)))
PY
)
MAP=""
for m in $ORDER; do MAP="$MAP -fmodule-file=$m=$work/$m.pcm"; done
seconds() {  # runs "$@", prints the wall time in seconds (3 decimals)
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; return 1; }
  t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

echo "compiler: $($CXX --version | head -1); $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "== BMI build (-O2, the recipe's flags) =="
printf '%-16s %10s %10s %10s\n' module precompile object 'peak MiB'
total=0
for m in $ORDER; do
  # shellcheck disable=SC2086
  pre=$(seconds /usr/bin/time -f %M -o "$work/$m.rss" $CXX $FLAGS -O2 $MAP -x c++-module --precompile \
        "$src/modules/$m.cppm" -o "$work/$m.pcm")
  # shellcheck disable=SC2086
  obj=$(seconds $CXX $FLAGS -O2 $MAP -Wno-unused-command-line-argument -c "$work/$m.pcm" -o "$work/$m.o")
  rss=$(awk '{ printf "%.0f", $1 / 1024 }' "$work/$m.rss")
  printf '%-16s %10s %10s %10s\n' "$m" "$pre" "$obj" "$rss"
  total=$(awk -v t="$total" -v a="$pre" -v b="$obj" 'BEGIN { printf "%.3f", t + a + b }')
done
echo "total BMIs + objects: $total s (target <= 15 s)"

cat >"$work/consumer.cpp" <<'CPP'
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#if USE_IMPORT && UMBRELLA
import runtime;
#elif USE_IMPORT
import runtime.env;
import runtime.cli;
#elif UMBRELLA
#include <runtime/runtime.hpp>
#else
#include <runtime/env.hpp>
#include <runtime/cli.hpp>
#endif

namespace cli = runtime::cli;
enum class cmd { none, add, list, help };
constexpr cli::option add_options[] = {
    {.name = "priority", .short_name = 'p', .kind = cli::value_kind::integer, .min = 1, .max = 5,
     .default_value = "3", .env = "TODO_PRIORITY"},
};
constexpr cli::command<cmd> commands[] = {
    {.id = cmd::none, .name = "auto", .hidden = true},
    {.id = cmd::add, .name = "add", .options = add_options, .min_positionals = 1},
    {.id = cmd::list, .name = "list"},
    {.id = cmd::help, .name = "help"},
};
constexpr cli::program<cmd> todo{.name = "todo", .version = "1", .commands = commands,
                                 .auto_command = cmd::none, .help_command = cmd::help};

int main(int argc, char** argv) {
  const auto env = runtime::environment::from_process();
  const auto args = cli::args_of(argc, argv);
  auto r = cli::try_parse(todo, std::span<const std::string_view>(args), env);
  if (!r) {
    std::fputs(cli::render_error(todo, *r.failure, r.reached).c_str(), stderr);
    return 2;
  }
  std::printf("%s %lld\n", std::string(env.get("HOME").value_or("?")).c_str(),
              static_cast<long long>(r.value->integer("priority").value_or(0)));
  return 0;
}
CPP

# The floor of any importer: its own standard headers (the five above), which it must #include before the
# import and which clang then merges with the copies in the BMIs' global module fragments.
sed -n '1,5p' "$work/consumer.cpp" >"$work/floor.cpp"
echo 'int main() { std::vector<std::string> v{"x"}; std::printf("%zu\n", v.size()); }' >>"$work/floor.cpp"
floor=()
for _ in 1 2 3; do
  # shellcheck disable=SC2086
  floor+=("$(seconds $CXX $FLAGS -O0 -c "$work/floor.cpp" -o "$work/f.o")")
done

echo
echo "== one consumer TU (env + cli), -c, median of 3 =="
echo "floor (the TU's own 5 std #includes, no runtime), -O0: $(median3 "${floor[@]}") s"
printf '%-28s %8s %8s %8s\n' variant -O0 -O2 ''
declare -A med
for variant in "modules:0" "umbrella:1"; do
  name=${variant%%:*} umbrella=${variant##*:}
  for opt in -O0 -O2; do
    for mode in import include; do
      d=$([ $mode = import ] && echo "-DUSE_IMPORT=1 -DRUNTIME_USE_MODULES=1 $MAP" || echo "-DUSE_IMPORT=0 -DRUNTIME_USE_MODULES=0")
      runs=()
      for _ in 1 2 3; do
        # shellcheck disable=SC2086
        runs+=("$(seconds $CXX $FLAGS $opt -DUMBRELLA=$umbrella $d -c "$work/consumer.cpp" -o "$work/c.o")")
      done
      med[$name$mode$opt]=$(median3 "${runs[@]}")
    done
  done
  for mode in import include; do
    label=$([ "$name" = modules ] && echo "env+cli" || echo "umbrella")
    printf '%-28s %8s %8s\n' "$label, $mode" "${med[${name}${mode}-O0]}" "${med[${name}${mode}-O2]}"
  done
  printf '%-28s %7.2fx %7.2fx   (target <= 0.25x at -O0)\n' "$label, import/include" \
    "$(awk -v a="${med[${name}import-O0]}" -v b="${med[${name}include-O0]}" 'BEGIN { print a / b }')" \
    "$(awk -v a="${med[${name}import-O2]}" -v b="${med[${name}include-O2]}" 'BEGIN { print a / b }')"
done
