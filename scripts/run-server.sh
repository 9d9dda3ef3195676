#!/usr/bin/env bash
# Fresh Debian 12 to a running server: installs dependencies, builds, and starts
# understudy-server on 127.0.0.1:6379 (extra arguments go to the server, e.g. --port 6380).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/server/understudy-server --bind 127.0.0.1 --port 6379 "$@"
