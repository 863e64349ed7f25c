#!/usr/bin/env bash
# External-check benchmark (issue [6]): a SARIF log of 50,000 results over 1,000 Python
# files, read as an external check's report by `agate gate`, then rendered in every format
# at once. Usage: bench/external.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work/external"
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
agate="$root/target/release/agate"
rm -rf "$work" && mkdir -p "$work/project/src"
python3 - "$work/project" <<'PY'
import json, os, sys
project = sys.argv[1]
for f in range(1000):
    with open(os.path.join(project, "src", f"module_{f}.py"), "w") as out:
        for n in range(60):
            out.write(f"def handler_{n}(value):\n    return value + {n}\n\n")
rules = [{"id": f"bench.rule-{r}", "shortDescription": {"text": f"bench rule {r}"},
          "properties": {"tags": [f"external/cwe/cwe-{79 + r}"], "security-severity": "5.0"}}
         for r in range(20)]
results = []
for i in range(50000):
    f, line = i % 1000, (i // 1000) * 3 + 1
    results.append({"ruleId": f"bench.rule-{i % 20}", "level": "warning",
                    "message": {"text": f"bench finding {i}"},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": f"src/module_{f}.py", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": line, "startColumn": 1, "endColumn": 20}}}]})
json.dump({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bench", "rules": rules}},
                                         "results": results}]},
          open(os.path.join(project, "tool.sarif"), "w"))
with open(os.path.join(project, "agate.yaml"), "w") as out:
    out.write("version: 1\ngates:\n  security:\n    external:\n"
              "      - name: bench\n        report: tool.sarif\n        format: sarif\n"
              "        max_results: 50000\n")
PY
cd "$work/project"
ls -la tool.sarif | awk '{print "SARIF input:", $5, "bytes"}'
for run in 1 2 3; do
  /usr/bin/time -f "gate with a 50,000-result external SARIF, JSON out, run $run: %e s, %M KB" \
    "$agate" gate --offline --format json --output "$work/report.json" || true
done
/usr/bin/time -f "the same, every format (json, sarif, junit, gitlab, gitlab-sast, html, summary, comment): %e s, %M KB" \
  "$agate" gate --offline --format json -o "$work/r.json" --format sarif -o "$work/r.sarif" \
  --format junit -o "$work/r.xml" --format gitlab -o "$work/r.gl.json" \
  --format gitlab-sast -o "$work/r.sast.json" --format html -o "$work/r.html" \
  --format summary -o "$work/r.md" --format comment -o "$work/r.comment.md" || true
python3 -c "import json; r = json.load(open('$work/report.json')); print(len(r['findings']), 'findings;', r['checks'][0]['duration_ms'], 'ms in the check')"
