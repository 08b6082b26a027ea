#!/usr/bin/env bash
# build.sh — set up dependencies, configure (Ninja, Release) and build everything.
# Environment: BUILD_DIR (default build), JOBS (default 2; the dev machine has 2 cores).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-2}"

"$ROOT/scripts/setup.sh"
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j"$JOBS"
