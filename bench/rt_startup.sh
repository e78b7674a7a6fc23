#!/usr/bin/env bash
# rt's start-up cost, side by side with its peers in one run (issue: rt driver performance targets).
#   rt --version                  vs /bin/true                   target <= 1.15x
#   rt run -- /bin/true (.env)    vs /bin/true                   target <= 1.5x
#                                 vs bun run /bin/true, dotenv-cli -- /bin/true   target: faster than both
#                                 vs the static spawn+wait floor  target <= 1.10x (issue 16)
#   rt run x ("x": "true" in package.json) vs bun run x           target: at least 2x faster (ratio <= 0.5)
#                                 vs the static spawn+wait of bash -c true (info: what a script costs anyway)
#   peak RSS of rt run -- /bin/true                               target <= 4 MiB
# bench/rt_startup.md has the profile of where rt's time above the floor goes.
# usage: bench/rt_startup.sh [path/to/rt]   (default: build/release, configured as README's demo.sh does)
# Prints a table and one JSON line per case; exits 0 (targets are reported, not asserted).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
rt=${1:-}
if [ -z "$rt" ]; then
  dir=$root/build/release   # the rt README's demo.sh builds: a static PIE with glibc's allocator
  opts=(-Dbuildtype=release -Dtests=false -Dallocator=system -Drt_static=true)
  if [ -f "$dir/build.ninja" ]; then meson configure "$dir" "${opts[@]}" >/dev/null
  else CXX=clang++-19 meson setup "$dir" "$root" "${opts[@]}" >/dev/null; fi
  ninja -C "$dir" examples/rt >/dev/null
  rt=$dir/examples/rt
fi
peers=${RUNTIME_PEERS:-$root/tests/peers/node_modules/.bin}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 1 20); do echo "KEY_$i=value_$i # comment"; done >"$work/.env"
# A project as `bun run`/`rt run` meet it: both read the nearest package.json for every run (npm variables).
printf '{\n  "name": "bench",\n  "version": "1.0.0",\n  "scripts": {\n    "x": "true"\n  }\n}\n' >"$work/package.json"
# The floor of any launcher: a static PIE that does nothing but start /bin/true (posix_spawn + wait, as rt
# run does, or execve in place) and exit. No launcher can beat these; they show what the 1.5x target leaves.
cat >"$work/spawn.c" <<'C'
#include <spawn.h>
#include <sys/wait.h>
extern char** environ;
int main(void) {
  char* argv[] = {"/bin/true", 0};
  pid_t pid;
  int status = 0;
  if (posix_spawn(&pid, argv[0], 0, 0, argv, environ) != 0 || waitpid(pid, &status, 0) < 0) return 1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
C
cat >"$work/exec.c" <<'C'
#include <unistd.h>
extern char** environ;
int main(void) {
  char* argv[] = {"/bin/true", 0};
  execve(argv[0], argv, environ);
  return 127;
}
C
sed -e 's|char\* argv\[\] = {"/bin/true", 0};|char* argv[] = {"BASH", "-c", "true", 0};|' -e "s|BASH|$(command -v bash)|" \
  "$work/spawn.c" >"$work/spawn-bash.c"
cc -O2 -static-pie -o "$work/floor-spawn" "$work/spawn.c"
cc -O2 -static-pie -o "$work/floor-spawn-bash" "$work/spawn-bash.c"
cc -O2 -static-pie -o "$work/floor-exec" "$work/exec.c"
cd "$work"
runs=${RUNS:-300}
mean() {  # prints the mean seconds of a command (hyperfine, shell-less)
  hyperfine -N --warmup 30 --runs "$runs" --export-json "$work/h.json" "$@" >/dev/null 2>&1
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["mean"])' "$work/h.json"
}
t_true=$(mean /bin/true)
t_ver=$(mean "$rt --version")
t_run=$(mean "$rt run -- /bin/true")
t_spawn=$(mean "$work/floor-spawn")
t_exec=$(mean "$work/floor-exec")
t_script=$(mean "$rt run x")
t_spawn_bash=$(mean "$work/floor-spawn-bash")
runs=50 t_bun_script=$(mean "$peers/bun run x" || echo nan)
# Bun treats a path as a module to load, so it runs the program by name (a PATH lookup, as rt does for names).
runs=50 t_bun=$(mean "$peers/bun run true" || echo nan)
# .bin/dotenv is the dotenv package's own CLI; dotenv-cli's script is called directly.
runs=30 t_dotenv=$(mean "node $peers/../dotenv-cli/cli.js -- /bin/true" || echo nan)
rss=$(/usr/bin/time -f %M "$rt" run -- /bin/true 2>&1 >/dev/null | tail -1)
python3 - "$t_true" "$t_ver" "$t_run" "$t_bun" "$t_dotenv" "$t_spawn" "$t_exec" "$t_script" "$t_bun_script" \
  "$t_spawn_bash" "$rss" <<'PY'
import json, math, sys
t_true, t_ver, t_run, t_bun, t_dotenv, t_spawn, t_exec, t_script, t_bun_script, t_spawn_bash = (
    float(x) for x in sys.argv[1:11])
rss_kib = int(sys.argv[11])
rows = [
    ("rt --version", t_ver, "/bin/true", t_true, 1.15, "le"),
    ("rt run -- /bin/true (20-line .env)", t_run, "/bin/true", t_true, 1.5, "le"),
    ("rt run -- /bin/true (20-line .env)", t_run, "bun run true", t_bun, 1.0, "lt"),
    ("rt run -- /bin/true (20-line .env)", t_run, "dotenv-cli -- /bin/true", t_dotenv, 1.0, "lt"),
    ("floor: static spawn+wait /bin/true", t_spawn, "/bin/true", t_true, 1.5, "le"),
    ("floor: static execve /bin/true", t_exec, "/bin/true", t_true, 1.5, "le"),
    ("rt run -- /bin/true (20-line .env)", t_run, "floor: spawn+wait", t_spawn, 1.10, "le"),
    ('rt run x ("x": "true")', t_script, "bun run x", t_bun_script, 0.5, "le"),
    ('rt run x ("x": "true")', t_script, "floor: spawn bash -c true", t_spawn_bash, None, "info"),
]
print(f"{'case':38} {'ms':>8}  {'reference':22} {'ms':>8}  {'ratio':>6}  target")
for name, t, ref, tr, target, how in rows:
    ratio = t / tr if tr and not math.isnan(tr) else float("nan")
    ok = None if how == "info" else (ratio <= target) if how == "le" else (ratio < target)
    verdict = "" if ok is None else f"{'<=' if how == 'le' else '<'}{target} {'ok' if ok else 'MISSED'}"
    print(f"{name:38} {t*1e3:8.3f}  {ref:22} {tr*1e3:8.3f}  {ratio:6.2f}  {verdict}")
    print(json.dumps({"case": name, "ms": round(t * 1e3, 4), "reference": ref, "reference_ms": round(tr * 1e3, 4),
                      "ratio": round(ratio, 3), "target": target, "met": ok}))
print(f"peak RSS of rt run -- /bin/true: {rss_kib} KiB (target <= 4096 KiB) {'ok' if rss_kib <= 4096 else 'MISSED'}")
print(json.dumps({"case": "rt run -- /bin/true peak RSS", "kib": rss_kib, "target_kib": 4096, "met": rss_kib <= 4096}))
PY
