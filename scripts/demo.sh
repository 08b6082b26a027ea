#!/usr/bin/env bash
# demo.sh — set up, build (Release) and run the main example, build/mithril_demo.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-build}"

"$ROOT/scripts/build.sh"
"$BUILD_DIR/mithril_demo" "$@"
