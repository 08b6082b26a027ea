#!/usr/bin/env bash
# setup.sh — installs mithril's build dependencies (toolchain.md §9) on Debian bookworm.
# Idempotent: does nothing when every package is already installed. Needs root for apt
# (uses sudo when not root and sudo exists). The optional benchmark peers (libtorch-dev ...)
# are not installed.
set -euo pipefail

PACKAGES=(
  g++ cmake ninja-build ccache
  llvm-19-dev llvm-19-tools clang-19 clang-tools-19 libzstd-dev zlib1g-dev
  libtbb-dev libboost-graph-dev catch2 libbenchmark-dev nlohmann-json3-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "setup.sh: missing packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup.sh: error: need root (or sudo) to install: ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update
"${SUDO[@]}" apt-get install -y --no-install-recommends "${PACKAGES[@]}"
echo "setup.sh: done"
