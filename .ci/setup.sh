#!/usr/bin/env bash
# Installs what building and testing runtime needs on Debian 12, and the reference peers (Bun and the dotenv
# packages) from npm. Idempotent: does nothing when everything is present. Needs root only to install.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pkgs=(meson ninja-build pkg-config python3 g++-12 clang-19 clang-tools-19 lld-19 libclang-rt-19-dev
      libmimalloc-dev doctest-dev nlohmann-json3-dev libtomlplusplus-dev nodejs npm hyperfine time zsh fish bash-completion cmake)
missing=()
for p in "${pkgs[@]}"; do
  case $p in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "       run this command as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
peers=$root/tests/peers
if [ "$("$peers/node_modules/.bin/bun" --version 2>/dev/null || true)" != 1.4.5 ] ||
   [ ! -d "$peers/node_modules/dotenv-expand" ] || [ ! -d "$peers/node_modules/dotenv-cli" ] ||
   [ ! -d "$peers/node_modules/ci-info" ]; then
  echo "installing the reference peers (bun 1.4.5, dotenv, dotenv-expand, dotenv-cli, ci-info) from npm" >&2
  (cd "$peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi
"$peers/node_modules/.bin/bun" --version >/dev/null
