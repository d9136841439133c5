#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/rest_api.sh: throughput of the rest_api plugin in the real wabot executable against nginx
# serving the same JSON as a static file (wrk), and p50/p99 of POST /agents/{id}/messages when a
# connected agent is given.
#
# Usage: bench/rest_api.sh [BUILD_DIR] [DURATION_S] [CONNECTIONS]
#   Then p50/p99 of POST /agents/{id}/messages: rest_api.so in the host's HTTP server over the real
#   SessionManager and the WhatsApp simulator, limiter off, BENCH_SENDS (200) sequential sends between
#   two paired agents (rest_api_sim_e2e_test's sendLatency; needs `npm ci` in tests/wa_sim).
#   BENCH_AGENT=<id> BENCH_TOKEN=<key> BENCH_TO=<phone> BENCH_URL=<http://host:port>: instead time
#   the sends against an already running, paired wabot (rate_limit set high in its config).
# Needs: wrk, nginx (apt-get install -y wrk nginx-light), curl.
set -euo pipefail

BUILD_DIR=$(realpath "${1:-build}")
DURATION=${2:-10}
CONNECTIONS=${3:-32}
for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk nginx-light curl)" >&2; exit 2; }
done
[ -x "$BUILD_DIR/bin/wabot" ] || { echo "no $BUILD_DIR/bin/wabot: build first" >&2; exit 2; }

WORK=$(mktemp -d /tmp/wabot-bench.XXXXXX)
WABOT_PID=""; NGINX_PID=""
cleanup() {
  [ -n "$WABOT_PID" ] && kill "$WABOT_PID" 2>/dev/null && wait "$WABOT_PID" 2>/dev/null || true
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WABOT_PORT=$(free_port)
NGINX_PORT=$(free_port)

cat > "$WORK/wabot.yaml" <<YAML
http: {host: 127.0.0.1, port: $WABOT_PORT, threads: 8}
log: {level: warn}
database: {url: "sqlite://$WORK/wabot.db"}
media: {temp_dir: "$WORK/tmp"}
rate_limit: {per_minute: 100000, burst: 100000, queue_size: 1000}
plugins:
  directory: "$BUILD_DIR/plugins"
  load: [rest_api]
YAML
"$BUILD_DIR/bin/wabot" --config="$WORK/wabot.yaml" 2>"$WORK/wabot.log" &
WABOT_PID=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$WABOT_PORT/health" -o /dev/null && break
  sleep 0.1  # polling a process start-up, not synchronising a test
done
curl -sf "http://127.0.0.1:$WABOT_PORT/health" -o "$WORK/health.json" || { echo "wabot did not start:" >&2; tail -5 "$WORK/wabot.log" >&2; exit 1; }

# The static twin: the same bodies nginx serves from files.
mkdir -p "$WORK/www/sessions"
cp "$WORK/health.json" "$WORK/www/health"
curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -d '{"userId":"bench-user","agentId":"bench-agent","agentName":"Bench"}' "http://127.0.0.1:$WABOT_PORT/sessions" \
  > "$WORK/create.status" || true
SESSION_STATUS=$(curl -s -o "$WORK/www/sessions/bench-agent" -w '%{http_code}' "http://127.0.0.1:$WABOT_PORT/sessions/bench-agent")
cat > "$WORK/nginx.conf" <<NGINX
daemon off; master_process off; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx.err;
events { worker_connections 1024; }
http {
  access_log off; default_type application/json;
  client_body_temp_path $WORK/nb; proxy_temp_path $WORK/np; fastcgi_temp_path $WORK/nf;
  uwsgi_temp_path $WORK/nu; scgi_temp_path $WORK/ns;
  server { listen 127.0.0.1:$NGINX_PORT; root $WORK/www; }
}
NGINX
nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX_PID=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/health" -o /dev/null && break; sleep 0.1; done

rps() { wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '/Requests\/sec/ {print $2}'; }
echo "wrk -t2 -c$CONNECTIONS -d${DURATION}s, $(nproc) cores shared"
for path in /health /sessions/bench-agent; do
  W=$(rps "http://127.0.0.1:$WABOT_PORT$path")
  N=$(rps "http://127.0.0.1:$NGINX_PORT$path")
  RATIO=$(python3 -c "print(f'{$W/$N:.2f}' if $N > 0 else 'n/a')")
  echo "GET $path: wabot $W req/s, nginx static $N req/s, ratio wabot/nginx $RATIO"
done
echo "(POST /sessions answered $(cat "$WORK/create.status"); GET /sessions/bench-agent answered $SESSION_STATUS)"

if [ -z "${BENCH_AGENT:-}" ] && [ -x "$BUILD_DIR/bin/rest_api_sim_e2e_test" ]; then
  WABOT_SOURCE_DIR="$(cd "$(dirname "$0")/.." && pwd)" WABOT_BINARY_DIR="$BUILD_DIR" WABOT_BENCH_SENDS="${BENCH_SENDS:-200}" WABOT_TEST="SqliteSimE2eTest::sendLatency" \
    "$BUILD_DIR/bin/rest_api_sim_e2e_test" 2>&1 | grep -a "^POST /agents" || echo "send latency: rest_api_sim_e2e_test failed" >&2
fi

if [ -n "${BENCH_AGENT:-}" ]; then
  SENDS=${BENCH_SENDS:-200}
  : > "$WORK/times"
  for i in $(seq 1 "$SENDS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -X POST -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $BENCH_TOKEN" -d "{\"to\":\"$BENCH_TO\",\"message\":\"bench $i\"}" \
      "$BENCH_URL/agents/$BENCH_AGENT/messages" >> "$WORK/times"
  done
  python3 - "$WORK/times" <<'PY'
import sys
rows=[l.split() for l in open(sys.argv[1]) if l.strip()]
ok=sorted(float(t)*1000 for c,t in rows if c=="200")
if not ok: print("POST /agents/{id}/messages: no 200 answers:", {c for c,_ in rows}); sys.exit(0)
p=lambda q: ok[min(len(ok)-1,int(q*len(ok)))]
print(f"POST /agents/{{id}}/messages: {len(ok)}/{len(rows)} ok, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms")
PY
fi
