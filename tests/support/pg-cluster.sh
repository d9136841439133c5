#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A throwaway PostgreSQL 15 cluster for tests: `pg-cluster.sh start DIR` runs initdb + pg_ctl on a free
# loopback port it picks itself (fsync off, trust auth, loopback only) and writes the libpq conninfo to
# DIR/conninfo and a postgres:// URL to DIR/url; `pg-cluster.sh stop DIR` stops it and removes it, and
# leaves no server process behind even when a test crashed or the server hangs. `pause`/`resume` stop
# and restart the server on the same port (outage tests).
set -euo pipefail

usage() { echo "usage: $0 start|stop|pause|resume DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(realpath -m -- "$2")

PGBIN=${WABOT_PGBIN:-/usr/lib/postgresql/15/bin}
# How long a clean shutdown may take before the server is stopped harder (tests of this script lower it).
STOP_TIMEOUT_S=${WABOT_PG_STOP_TIMEOUT_S:-15}
[[ -x $PGBIN/initdb ]] || { echo "pg-cluster: no PostgreSQL server binaries in $PGBIN" >&2; exit 1; }

# initdb and postgres refuse to run as root: drop to the postgres user then.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The data directory: DIR/data when the server's user can reach it, else a private directory under /tmp
# (DIR may sit below a path the postgres user cannot traverse). DIR/datadir remembers which.
data_dir_of() {
  if [[ -f $dir/datadir ]]; then cat "$dir/datadir"; else echo "$dir/data"; fi
}

stop_cluster() {
  local data pid
  data=$(data_dir_of)
  if [[ -f $data/postmaster.pid ]]; then
    pid=$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)
    # Fast shutdown first; immediate when that does not finish; SIGKILL for a server that hangs.
    timeout $((STOP_TIMEOUT_S + 5)) bash -c "$(declare -f as_pg); as_pg '$PGBIN/pg_ctl' -D '$data' -m fast -w -t $STOP_TIMEOUT_S stop" >/dev/null 2>&1 ||
      timeout $((STOP_TIMEOUT_S + 5)) bash -c "$(declare -f as_pg); as_pg '$PGBIN/pg_ctl' -D '$data' -m immediate -w -t $STOP_TIMEOUT_S stop" >/dev/null 2>&1 || true
    if [[ -n ${pid:-} ]] && kill -0 "$pid" 2>/dev/null; then
      # The postmaster's children are in its process group only when started by pg_ctl; kill both.
      pkill -KILL -P "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -rf "$data" "$dir/data" "$dir/datadir" "$dir/conninfo" "$dir/url"
}

# Starts the server of data directory $1 on port $2 and waits (bounded) until it accepts connections.
launch() {
  timeout 60 bash -c "$(declare -f as_pg); as_pg '$PGBIN/pg_ctl' -D '$1' -l '$1/server.log' -w -t 30 \
      -o \"-p $2 -k '$1' -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200\" start" \
      >"$dir/pg_ctl.log" 2>&1
}

# Outage simulation for tests: `pause` stops the server but keeps its data and conninfo; `resume`
# starts it again on the same port.
pause_cluster() {
  local data
  data=$(data_dir_of)
  timeout $((STOP_TIMEOUT_S + 5)) bash -c "$(declare -f as_pg); as_pg '$PGBIN/pg_ctl' -D '$data' -m fast -w -t $STOP_TIMEOUT_S stop" >/dev/null 2>&1
}

resume_cluster() {
  local data port
  data=$(data_dir_of)
  port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$dir/conninfo")
  [[ -n $port ]] || { echo "pg-cluster: no cluster to resume in $dir" >&2; exit 1; }
  launch "$data" "$port" || { echo "pg-cluster: resume failed (see $data/server.log)" >&2; exit 1; }
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_cluster() {
  mkdir -p "$dir"
  stop_cluster   # a cluster left over from an aborted run
  local data="$dir/data"
  mkdir -p "$data"
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$data"
    if ! runuser -u postgres -- test -w "$data"; then
      rmdir "$data"
      data=$(mktemp -d /tmp/wabot-pgtest.XXXXXX)
      chown postgres:postgres "$data"
      echo "$data" >"$dir/datadir"
    fi
  fi
  chmod 700 "$data"
  if ! timeout 120 bash -c "$(declare -f as_pg); as_pg '$PGBIN/initdb' -D '$data' -U postgres -A trust -E UTF8 --no-sync" \
      >"$dir/initdb.log" 2>&1; then
    echo "pg-cluster: initdb failed (see $dir/initdb.log):" >&2
    tail -n 20 "$dir/initdb.log" >&2
    exit 1
  fi

  # Try random high ports until the server binds one: the check and the bind can race with other
  # processes, so a failed start on an occupied port moves on to the next candidate.
  local attempt port started=0
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    port_is_free "$port" || continue
    if launch "$data" "$port"; then
      started=1
      break
    fi
    # A half-started server must not linger before the next attempt.
    timeout 10 bash -c "$(declare -f as_pg); as_pg '$PGBIN/pg_ctl' -D '$data' -m immediate -w -t 5 stop" >/dev/null 2>&1 || true
  done
  if [[ $started -ne 1 ]]; then
    echo "pg-cluster: the server did not start (see $data/server.log):" >&2
    tail -n 20 "$data/server.log" >&2 2>/dev/null || true
    exit 1
  fi
  echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$dir/conninfo"
  echo "postgres://postgres@127.0.0.1:$port/postgres" >"$dir/url"
  echo "pg-cluster: PostgreSQL running on 127.0.0.1:$port, data in $data"
}

case $action in
  start) start_cluster ;;
  stop) stop_cluster; echo "pg-cluster: stopped" ;;
  pause) pause_cluster ;;
  resume) resume_cluster ;;
  *) usage ;;
esac
