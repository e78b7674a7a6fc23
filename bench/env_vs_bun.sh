#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# End to end: `rt env --json` against Bun printing JSON.stringify(process.env), both on the same generated
# 100,000-line .env, measured side by side (interleaved) in one run; prints the medians and the ratio.
#   bench/env_vs_bun.sh RT [BUN] [RUNS]      (BUN: $RUNTIME_PEERS/bun, else bun on PATH)
set -euo pipefail
rt=${1:?usage: env_vs_bun.sh RT [BUN] [RUNS]}
bun=${2:-${RUNTIME_PEERS:+$RUNTIME_PEERS/bun}}
bun=${bun:-$(command -v bun)}
runs=${3:-15}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir/.env" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(100000):
        m = i % 5
        if m == 0: f.write(f'KEY_{i}="quoted value {i} with ${{KEY_{max(i - 1, 0)}}} inside"\n')
        elif m == 1: f.write(f"KEY_{i}=plain_{i} # comment\n")
        elif m == 2: f.write(f"export KEY_{i}='single {i}'\n")
        elif m == 3: f.write(f"# comment line {i}\n")
        else: f.write(f"KEY_{i}=$KEY_{i - 1}/x\n")
PY
cd "$dir"
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000 )); }
rt_t=(); bun_t=()
for _ in $(seq "$runs"); do
  rt_t+=("$(ms env -i PATH=/usr/bin:/bin "$rt" env --json)")
  bun_t+=("$(ms env -i PATH=/usr/bin:/bin "$bun" -e 'console.log(JSON.stringify(process.env))')")
done
# Same answer, or the comparison means nothing.
env -i PATH=/usr/bin:/bin "$rt" env --json | tail -n 1 >"$dir/rt.json"
env -i PATH=/usr/bin:/bin "$bun" -e 'console.log(JSON.stringify(process.env))' >"$dir/bun.json"
python3 - "$dir/rt.json" "$dir/bun.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
if a != b:
    sys.exit("env_vs_bun: rt and bun disagree on the resolved environment")
PY
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
r=$(median "${rt_t[@]}"); b=$(median "${bun_t[@]}")
awk -v r="$r" -v b="$b" -v n="$runs" 'BEGIN {
  printf "{\"bench\":\"env.rt_env_json_100k\",\"runs\":%d,\"rt_median_us\":%d,\"bun_median_us\":%d,\"ratio\":%.2f,\"target_ratio\":3.0,\"ok\":%s}\n",
    n, r, b, b / r, (b / r >= 3.0) ? "true" : "false" }'
