#!/usr/bin/env bash
# The load generator against wrk, and its latency against a known delay (docs/performance.md).
#
# 1. nginx (one worker) serves a 13-byte file on loopback; wrk and `agate load run` (closed
#    model) each load it with the same connections, threads and duration, alternating, three
#    rounds; the medians of requests per second are compared (target: agate >= 0.9x wrk).
# 2. A Python server answers every request after a fixed 20 ms; `agate load run` measures
#    its p50, which must be within 5% of the delay.
#
# Needs nginx and wrk (Debian: apt-get install nginx-light wrk) and a release build:
#   cargo build --release -p agate && bench/load.sh [CONNECTIONS] [THREADS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."

connections="${1:-50}"
threads="${2:-2}"
seconds="${3:-10}"
agate="${AGATE:-target/release/agate}"
for tool in nginx wrk python3 "$agate"; do
  command -v "$tool" > /dev/null || [ -x "$tool" ] || { echo "needs $tool" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'kill $(cat "$work"/*.pid 2> /dev/null) 2> /dev/null || true; rm -rf "$work"' EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$work/html" "$work/logs"
printf 'hello, load!\n' > "$work/html/index.html"
cat > "$work/nginx.conf" << CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  fastcgi_temp_path $work/tmp;
  uwsgi_temp_path $work/tmp;
  scgi_temp_path $work/tmp;
  server { listen 127.0.0.1:$port; root $work/html; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.5
url="http://127.0.0.1:$port/index.html"

wrk_rps=()
agate_rps=()
for round in 1 2 3; do
  rps="$(wrk -t"$threads" -c"$connections" -d"${seconds}s" "$url" | awk '/Requests\/sec/ {print $2}')"
  wrk_rps+=("$rps")
  rps="$("$agate" load run --url "$url" --connections "$connections" --threads "$threads" \
    --duration "${seconds}s" --format json | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["total"]["rps"]))')"
  agate_rps+=("$rps")
  echo "round $round: wrk ${wrk_rps[-1]} rps, agate ${agate_rps[-1]} rps"
done
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
wrk_median="$(median "${wrk_rps[@]}")"
agate_median="$(median "${agate_rps[@]}")"
echo "closed model, $connections connections, $threads threads, ${seconds}s: wrk $wrk_median rps, agate $agate_median rps, agate/wrk $(python3 -c "print(round($agate_median/$wrk_median, 3))")"

# 2. Latency against a fixed delay.
delay_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cat > "$work/delay.py" << 'PY'
import sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Delayed(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm and the
    # client's delayed ACK add 40 ms to every answer.
    disable_nagle_algorithm = True
    def do_GET(self):
        time.sleep(0.020)
        self.send_response(200)
        self.send_header("content-length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Delayed).serve_forever()
PY
python3 "$work/delay.py" "$delay_port" & echo $! > "$work/delay.pid"
sleep 0.5
"$agate" load run --url "http://127.0.0.1:$delay_port/" --connections 10 --duration "${seconds}s" \
  --warm-up 1s --format json | python3 -c '
import json, sys
total = json.load(sys.stdin)["total"]
p50 = total["latency_ms"]["p50"]
p99 = total["latency_ms"]["p99"]
requests = total["requests"]
print(f"fixed 20 ms delay: p50 {p50:.2f} ms ({(p50 - 20) / 20 * 100:+.1f}%), p99 {p99:.2f} ms, {requests} requests")'
