#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/engine_scale.sh: links N agents through the WhatsApp simulator in one process, then "restarts"
# them (new clients over the stored credentials) and reports threads, RSS per idle linked agent, and
# the time until all are connected again. Targets: <= 32 threads, <= 200 KB per agent, all 1,000
# reconnected within 20 s.
#
# Usage: bench/engine_scale.sh [BUILD_DIR] [N ...]        (default N: 100 1000; TLS=1 for wss:// via a local proxy)
# Needs `npm ci` in tests/wa_sim.
set -euo pipefail
BUILD_DIR=$(realpath "${1:-build}")
shift || true
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100 1000)
src=$(cd "$(dirname "$0")/.." && pwd)
bin="$BUILD_DIR/bin/engine_wire_client_scale_test"
[ -x "$bin" ] || { echo "no $bin: build first" >&2; exit 2; }
[ -d "$src/tests/wa_sim/node_modules" ] || (cd "$src/tests/wa_sim" && npm ci --no-audit --no-fund --loglevel=error)
for n in "${counts[@]}"; do
  echo "== $n agents (transport: $([ "${TLS:-0}" = 1 ] && echo wss || echo ws))"
  WABOT_SOURCE_DIR="$src" WABOT_SCALE_AGENTS="$n" WABOT_SCALE_TLS="${TLS:-0}" "$bin" 2>&1 | grep -E "^SCALE|OK \(|Failures" || true
done
