#!/usr/bin/env bash
# Dependency benchmark (issue [5]): a package-lock.json of 5,000 entries matched against a
# store of 50,000 synthetic OSV advisories (10 per package over 5,000 packages, half of the
# locked versions affected). Times `agate db import` once and `agate scan --only deps`.
# Usage: bench/deps.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work/deps"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
agate="$root/target/release/agate"
rm -rf "$work" && mkdir -p "$work/project" "$work/osv"
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
packages = {"": {"name": "bench", "dependencies": {f"pkg-{i}": "*" for i in range(5000)}}}
for i in range(5000):
    packages[f"node_modules/pkg-{i}"] = {"version": f"1.{i % 7}.0"}
json.dump({"name": "bench", "lockfileVersion": 3, "packages": packages},
          open(os.path.join(work, "project", "package-lock.json"), "w"), indent=2)
records = []
for i in range(5000):
    for k in range(10):
        fixed = f"1.{(i + k) % 9}.1"
        records.append({"id": f"GHSA-bench-{i}-{k}", "modified": "2026-01-01T00:00:00Z",
                        "affected": [{"package": {"ecosystem": "npm", "name": f"pkg-{i}"},
                                      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]})
for chunk in range(10):
    json.dump(records[chunk * 5000:(chunk + 1) * 5000], open(os.path.join(work, "osv", f"chunk-{chunk}.json"), "w"))
PY
export AGATE_CACHE_DIR="$work/cache"
/usr/bin/time -f "db import of 50,000 advisories: %e s, %M KB" "$agate" db import "$work/osv"
cd "$work/project"
for run in 1 2 3; do
  /usr/bin/time -f "scan --only deps (5,000 locked packages), run $run: %e s, %M KB" \
    "$agate" scan --only deps --offline --format json --output "$work/report.json"
done
python3 -c "import json; print(len(json.load(open('$work/report.json'))['findings']), 'findings')"
