#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures the wabot HTTP server alone: start-up time (exec → port accepting), requests per second and
# latency percentiles over keep-alive connections on an unrouted path (the 404 envelope: trace id,
# routing, JSON error, log line), and SIGTERM → exit time.
# Usage: tests/host/bench_http.py BUILD_DIR [seconds] [connections]
import http.client, os, signal, socket, subprocess, sys, tempfile, threading, time

build = sys.argv[1] if len(sys.argv) > 1 else "build"
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
connections = int(sys.argv[3]) if len(sys.argv) > 3 else 4

probe = socket.socket(); probe.bind(("127.0.0.1", 0)); port = probe.getsockname()[1]; probe.close()
tmp = tempfile.mkdtemp()
config = os.path.join(tmp, "wabot.yaml")
with open(config, "w") as f:
    f.write(f"http: {{host: 127.0.0.1, port: {port}}}\nplugins: {{load: []}}\nlog: {{level: warn}}\n"
            f"database: {{url: 'sqlite://{tmp}/wabot.db'}}\n")

started = time.monotonic()
proc = subprocess.Popen([os.path.join(build, "bin", "wabot"), "--config", config], stderr=subprocess.DEVNULL)
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close(); break
    except OSError:
        if time.monotonic() - started > 10: proc.kill(); sys.exit("wabot did not start")
        time.sleep(0.005)
startup_ms = (time.monotonic() - started) * 1000

latencies, lock, stop = [], threading.Lock(), time.monotonic() + seconds
def worker():
    conn, mine = http.client.HTTPConnection("127.0.0.1", port), []
    while time.monotonic() < stop:
        t = time.monotonic()
        conn.request("GET", "/bench/unrouted"); r = conn.getresponse(); r.read()
        assert r.status == 404 and r.getheader("X-Trace-Id")
        mine.append(time.monotonic() - t)
    with lock: latencies.extend(mine)
threads = [threading.Thread(target=worker) for _ in range(connections)]
[t.start() for t in threads]; [t.join() for t in threads]

t = time.monotonic(); proc.send_signal(signal.SIGTERM); rc = proc.wait(10); stop_ms = (time.monotonic() - t) * 1000
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000
print(f"startup_ms={startup_ms:.1f} requests={len(latencies)} rps={len(latencies) / seconds:.0f} "
      f"p50_ms={pct(50):.2f} p99_ms={pct(99):.2f} max_ms={latencies[-1] * 1000:.2f} "
      f"sigterm_to_exit_ms={stop_ms:.1f} exit={rc} connections={connections}")
