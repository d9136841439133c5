#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/ai_forwarder.sh: the inbound pipeline end to end (ai_forwarder_bench): a real Baileys peer sends
# texts to a bot through the WhatsApp simulator, ai_forwarder calls an AI backend that answers at once,
# and the reply goes back to the peer. Prints messages/s and p50/p99 inbound-to-reply latency, for one
# fast agent and for the fast agent beside a slow one (every 10th message, AI delay SLOW_MS).
# Usage: bench/ai_forwarder.sh [BUILD_DIR] [MESSAGES] [IN_FLIGHT] [SLOW_MS]   (defaults: build 200 8 1000)
set -euo pipefail
BUILD_DIR=$(realpath "${1:-build}")
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$BUILD_DIR/bin/ai_forwarder_bench"
[ -x "$bin" ] || { echo "no $bin: build first" >&2; exit 2; }
[ -f "$BUILD_DIR/plugins/ai_forwarder.so" ] || { echo "no $BUILD_DIR/plugins/ai_forwarder.so: build first" >&2; exit 2; }
[ -d "$src/tests/wa_sim/node_modules" ] || (cd "$src/tests/wa_sim" && npm ci --no-audit --no-fund --loglevel=error)
echo "== ${2:-200} messages, ${3:-8} in flight, slow AI ${4:-1000} ms"
WABOT_SOURCE_DIR="$src" WABOT_PLUGIN_OUTPUT_DIR="$BUILD_DIR/plugins" "$bin" "${2:-200}" "${3:-8}" "${4:-1000}"
