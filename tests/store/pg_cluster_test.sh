#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Tests of tests/support/pg-cluster.sh: start writes a working conninfo; start over a leftover cluster
# replaces it; stop leaves no server process behind even when the server hangs (SIGSTOP).
set -euo pipefail
script=$1
dir=$(mktemp -d /tmp/wabot-pg-cluster-test.XXXXXX)
export WABOT_PG_STOP_TIMEOUT_S=2
fail() { echo "FAIL: $*" >&2; "$script" stop "$dir/c" >/dev/null 2>&1 || true; rm -rf "$dir"; exit 1; }

# Alive and not a zombie (an exited server may wait a moment to be reaped by init).
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $s != Z* ]]; }
postmaster_pid() { head -n1 "$1/postmaster.pid"; }
data_dir() { if [[ -f $dir/c/datadir ]]; then cat "$dir/c/datadir"; else echo "$dir/c/data"; fi; }

"$script" start "$dir/c" >/dev/null || fail "start failed"
[[ -s $dir/c/conninfo ]] || fail "no conninfo written"
grep -Eq '^host=127\.0\.0\.1 port=[0-9]+ user=postgres dbname=postgres$' "$dir/c/conninfo" || fail "conninfo: $(cat "$dir/c/conninfo")"
psql "$(cat "$dir/c/conninfo")" -Atc 'SHOW fsync' | grep -qx off || fail "fsync is not off"
first=$(postmaster_pid "$(data_dir)")

# Starting again over a running cluster (a run that never reached stop) replaces it.
"$script" start "$dir/c" >/dev/null || fail "restart over a leftover cluster failed"
second=$(postmaster_pid "$(data_dir)")
alive "$first" && fail "the leftover server $first still runs"
psql "$(cat "$dir/c/conninfo")" -Atc 'SELECT 1' | grep -qx 1 || fail "the new cluster does not answer"

# A hung server (stopped process) is still gone after stop.
kill -STOP "$second"
"$script" stop "$dir/c" >/dev/null || fail "stop failed"
for _ in $(seq 1 50); do alive "$second" || break; sleep 0.1; done
alive "$second" && fail "server $second survived stop"
[[ ! -e $dir/c/conninfo && ! -e $dir/c/data ]] || fail "stop left files behind"
rm -rf "$dir"
echo "pg-cluster.sh: OK"
