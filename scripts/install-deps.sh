#!/usr/bin/env bash
# Installs what understudy needs to build and test on Debian 12, skipping what is present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libasio-dev libabsl-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server redis-tools
  liblua5.1-0-dev lua-cjson lua-bitop
  python3-redis
  openssl libssl-dev
)
# Node.js runs the node-redis and ioredis scenarios of tests/clients; a newer one already
# installed is kept.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The client libraries of tests/clients, at the versions its package-lock.json pins.
clients="$(dirname "$0")/../tests/clients"
if [ ! -d "$clients/node_modules" ] || [ "$clients/package-lock.json" -nt "$clients/node_modules" ]; then
  npm ci --prefix "$clients" --no-audit --no-fund --loglevel=error
fi
