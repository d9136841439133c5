#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/messaging.sh: messages per second and p50/p99 send-to-decrypt latency from our engine to a real
# Baileys peer through the WhatsApp simulator (engine_messaging_bench).
# Usage: bench/messaging.sh [BUILD_DIR] [MESSAGES] [IN_FLIGHT]     (defaults: build 500 16)
set -euo pipefail
BUILD_DIR=$(realpath "${1:-build}")
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$BUILD_DIR/bin/engine_messaging_bench"
[ -x "$bin" ] || { echo "no $bin: build first" >&2; exit 2; }
[ -d "$src/tests/wa_sim/node_modules" ] || (cd "$src/tests/wa_sim" && npm ci --no-audit --no-fund --loglevel=error)
for inflight in "${3:-16}" 1; do
  echo "== ${2:-500} messages, $inflight in flight"
  WABOT_SOURCE_DIR="$src" "$bin" "${2:-500}" "$inflight"
done
