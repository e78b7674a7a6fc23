#!/usr/bin/env bash
# README's first command: installs what is missing (as root), builds rt (clang 19 with C++20 modules, a static
# PIE), then
#   - with arguments: runs `rt <arguments>` in the directory you called it from, e.g.
#       bash /path/to/runtime/examples/rt/demo.sh run -- node server.js     (your own .env is loaded)
#   - without: runs rt on a real job in a scratch project: .env layering, bunfig.toml, a package.json script.
set -euo pipefail
caller=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$root/.ci/setup.sh" >&2
dir=$root/build/release
# A static PIE with glibc's allocator starts fastest (see README's start-up table); -Dallocator=mimalloc builds
# the dynamic rt that replaces operator new/delete with mimalloc.
opts=(-Dbuildtype=release -Dtests=false -Dallocator=system -Drt_static=true)
if [ ! -f "$dir/build.ninja" ]; then
  CXX=clang++-19 meson setup "$dir" "$root" "${opts[@]}" >/dev/null
else
  meson configure "$dir" "${opts[@]}" >/dev/null
fi
ninja -C "$dir" examples/rt >/dev/null
rt=$dir/examples/rt
if [ $# -gt 0 ]; then
  cd "$caller"
  exec "$rt" "$@"
fi
echo "rt is built: $rt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat >.env <<'ENV'
# defaults for every mode
APP_NAME=demo
DATABASE_URL=postgres://localhost/${APP_NAME}
API_TOKEN=s3cr3t
GREETING="hello from .env"
ENV
echo 'GREETING="hello from .env.local"' >.env.local
cat >package.json <<'JSON'
{ "scripts": { "greet": "echo \"$GREETING ($APP_NAME, $DATABASE_URL)\"" } }
JSON
show() { printf '\n$ rt %s\n' "$*"; "$rt" "$@"; }
show --version
printf '\n$ rt env --sources   (the variables from .env files; secrets redacted)\n'
"$rt" env --sources | grep -v "# process$"
show run greet
show run -- sh -c 'echo "child sees DATABASE_URL=$DATABASE_URL"; exit 3' || echo "(exit status $?)"
show info
