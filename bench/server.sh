#!/usr/bin/env bash
# agate server with 100,000 stored runs (docs/server.md): upload throughput, and the
# latency of the dashboard and the API over that many runs.
#
# 1. A gate report of examples/ai-flaws (its findings, AI evidence and gates) is uploaded
#    RUNS times by `agate load run` (closed model, CONNECTIONS connections; each upload a new
#    run id): the uploads per second while the store fills up.
# 2. With RUNS runs stored: `agate load run` against the dashboard's overview, a run's page,
#    `GET /api/v1/runs` and `GET /api/v1/findings` (open model, 5 requests a second, 20 s):
#    p50, p95, p99.
# 3. Another 1,000 uploads onto the full store.
#
# Needs a release build: cargo build --release -p agate && bench/server.sh [RUNS] [CONNECTIONS] [DB]
# DB: `sqlite` (default; a file in a temporary folder) or a PostgreSQL URL to an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-100000}"
connections="${2:-4}"
db="${3:-sqlite}"
agate="${AGATE:-target/release/agate}"
[ -x "$agate" ] || { echo "needs $agate: cargo build --release -p agate" >&2; exit 2; }

work="$(mktemp -d)"
trap 'kill $(cat "$work/server.pid" 2> /dev/null) 2> /dev/null || true; rm -rf "$work"' EXIT
[ "$db" = sqlite ] && db="sqlite:$work/agate.db"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"

token="$("$agate" server token create --db "$db" --team bench 2> /dev/null)"
"$agate" server --db "$db" --listen "127.0.0.1:$port" --uploads-per-minute 100000000 \
  2> "$work/server.log" &
echo $! > "$work/server.pid"
for _ in $(seq 50); do curl -fs "$url/healthz" > /dev/null && break; sleep 0.2; done

# One gate run's report; each upload gets its own run id from the load generator's counter.
"$agate" gate examples/ai-flaws --format json --output "$work/report.json" 2> /dev/null || true
python3 - "$work/report.json" > "$work/body.json" << 'PY'
import json, sys
report = json.load(open(sys.argv[1]))
report["run"]["run_id"] = "bench-{{uuid}}"
report["run"]["lines"] = {"changed": 120, "ai": 48}
print(json.dumps(report))
PY
echo "== report: $(wc -c < "$work/body.json") bytes, $(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['findings']))" "$work/report.json") findings"

upload() {
  "$agate" load run --url "$url/api/v1/runs" --method POST \
    --header "Authorization: Bearer $token" --header "content-type: application/json" \
    --body "$(cat "$work/body.json")" --connections "$connections" --requests "$1" \
    --expect 201 --timeout 60s --seed "$2" --format json --output "$work/upload-$2.json" > /dev/null
  python3 - "$work/upload-$2.json" << 'PY'
import json, sys
t = json.load(open(sys.argv[1]))["total"]
l = t["latency_ms"]
print(f"{t['requests']} uploads, {t['rps']:.0f}/s, p50 {l['p50']:.1f} ms, p99 {l['p99']:.1f} ms, errors {sum(t['errors'].values())}")
PY
}

echo "== filling the store with $runs runs ($connections connections)"
upload "$runs" 1

echo "== reads with $runs runs stored (5/s for 20 s each)"
for path in "/" "/runs/1" "/api/v1/runs?limit=50" "/api/v1/findings?rule=py.sql-injection&limit=100"; do
  "$agate" load run --url "$url$path" --header "Authorization: Bearer $token" \
    --rate 5/s --duration 20s --expect 200 --timeout 60s --format json --output "$work/read.json" > /dev/null
  python3 - "$work/read.json" "$path" << 'PY'
import json, sys
t = json.load(open(sys.argv[1]))["total"]
l = t["latency_ms"]
print(f"{sys.argv[2]:<48} p50 {l['p50']:8.1f} ms  p95 {l['p95']:8.1f} ms  p99 {l['p99']:8.1f} ms  errors {sum(t['errors'].values())}")
PY
done

echo "== 1,000 more uploads onto the full store"
upload 1000 2
