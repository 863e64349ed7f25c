#!/usr/bin/env bash
# Resource-bound benchmark (issue [7], items 6 and 10): hostile nesting in every language,
# and a tree of 1,000,000 findings. Prints wall time and peak memory of each run.
# Usage: bench/bounds.sh [LINKS]   (default 100,000 links / levels of nesting)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work/bounds"
links=${1:-100000}
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
agate="${CARGO_TARGET_DIR:-$root/target}/release/agate"
rm -rf "$work" && mkdir -p "$work"
python3 - "$work" "$links" <<'PY'
import os, sys
work, n = sys.argv[1], int(sys.argv[2])
def write(name, text):
    path = os.path.join(work, "nesting", name)
    os.makedirs(path, exist_ok=True)
    open(os.path.join(path, name.split("-")[0] + "." + name.split("-")[1]), "w").write(text)
# JavaScript is split over lines, as real code is; one long line is measured by the rules' own tests.
write("chain-py", "z = " + "a." * n + "b\n")
write("calls-py", "z = " + "f(" * n + "1" + ")" * n + "\n")
write("evals-py", "z = " + "eval(" * n + "1" + ")" * n + "\n")
write("lists-py", "z = " + "[" * n + "1" + "]" * n + "\n")
write("chain-js", "const z = " + "a.\n" * n + "b;\n")
write("evals-js", "const z = " + "eval(\n" * n + "1" + ")\n" * n + ";\n")
write("arrays-js", "const z = " + "[\n" * n + "1" + "]\n" * n + ";\n")
write("calls-ts", "const z = " + "f(\n" * n + "1" + ")\n" * n + ";\n")
write("chain-java", "class A { Object z = " + "a." * n + "b; }\n")
write("calls-java", "class A { Object z = " + "f(" * n + "1" + ")" * n + "; }\n")
# 1,000 files of 1,000 findings each.
for d in range(20):
    os.makedirs(os.path.join(work, "findings", f"pkg{d}"), exist_ok=True)
    for f in range(50):
        open(os.path.join(work, "findings", f"pkg{d}", f"module_{f}.py"), "w").write(
            "def handler(x):\n" + "    eval(x)\n" * 1000)
PY
cd "$work/nesting"
for case in *; do
  for only in deps ai-patterns sast; do
    /usr/bin/time -f "$case ($links) --only $only: %e s, %M KB" \
      "$agate" scan "$case" --only "$only" --format json --output "$work/$case-$only.json"
  done
done
cd "$work/findings"
for format in json terminal sarif html; do
  /usr/bin/time -f "1,000,000 findings, --format $format: %e s, %M KB" \
    "$agate" scan . --format "$format" --output "$work/findings.$format" >/dev/null
done
