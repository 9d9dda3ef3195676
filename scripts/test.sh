#!/usr/bin/env bash
# Fresh Debian 12 to a full test run: installs dependencies (redis-server is the oracle the
# conformance suite compares against), builds, and runs every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
