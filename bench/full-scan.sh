#!/usr/bin/env bash
# Full-scan benchmark (issue [8] section 3): a default `agate scan` (every analyzer) against
# `--only sast`, `--only secrets`, agate with thirty of its own rules, and ast-grep running
# the same thirty rule files, on two corpora built by bench/full-corpus.py:
#   - full-python: CPython's `Lib` (the machine's python3 standard library) + Django's sdist
#   - full-npm: the node_modules of nine popular npm packages
# Every agate run is `--offline` (no registry requests: they are network-bound and cached)
# and `--include-vendored` (the npm packages' `dist/` folders are code too; ast-grep scans
# them). Prints, per run, the best wall time and the best CPU time (user + system) of $RUNS
# runs, peak RSS and findings, then the ratios. CPU time is the steadier figure on a
# machine shared with other work.
#
# Needs: cargo, python3 with pip, npm, /usr/bin/time. Installs ast-grep-cli from PyPI into
# bench/.work/venv. Usage: bench/full-scan.sh [AGATE_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work"
RUNS=${RUNS:-3}
mkdir -p "$work"

if [ $# -ge 1 ]; then
  agate=$1
else
  echo "== building agate (release)" >&2
  cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
  agate="${CARGO_TARGET_DIR:-$root/target}/release/agate"
fi
if [ ! -x "$work/venv/bin/ast-grep" ]; then
  echo "== installing ast-grep-cli into bench/.work/venv" >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet ast-grep-cli
fi
sg="$work/venv/bin/ast-grep"

python3 "$here/full-corpus.py" "$work"

# Thirty rules per language: the same YAML files for agate and ast-grep. agate runs its
# JavaScript rules on TypeScript too; ast-grep gets a TypeScript copy of each (all but
# js.dangerously-set-inner-html, whose JSX kinds TypeScript lacks), so both read the same
# files.
for lang in python javascript; do
  rm -rf "$work/rules30-$lang" "$work/sg30-$lang" && mkdir -p "$work/rules30-$lang" "$work/sg30-$lang"
  while read -r id; do
    cp "$root/rules/$lang/$id.yaml" "$work/rules30-$lang/"
    cp "$root/rules/$lang/$id.yaml" "$work/sg30-$lang/"
    if [ "$lang" = javascript ] && [ "$id" != js.dangerously-set-inner-html ]; then
      sed 's/^language: javascript$/language: typescript/; s/^id: \(.*\)$/id: \1-ts/' \
        "$root/rules/$lang/$id.yaml" > "$work/sg30-$lang/$id-ts.yaml"
    fi
  done < "$here/rules-$lang-30.txt"
  printf 'ruleDirs:\n  - sg30-%s\n' "$lang" > "$work/sgconfig30-$lang.yml"
done

# measure NAME KIND OUTPUT COMMAND...: best wall and CPU seconds of $RUNS runs, peak RSS
# (KB), findings.
measure() {
  local name=$1 kind=$2 out=$3
  shift 3
  local wall="" cpu="" rss=0 w u s kb
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || true
    read -r w u s kb < <(tail -n 1 "$work/time")
    c=$(awk "BEGIN{print $u + $s}")
    if [ -z "$wall" ] || awk "BEGIN{exit !($w < $wall)}"; then wall=$w; fi
    if [ -z "$cpu" ] || awk "BEGIN{exit !($c < $cpu)}"; then cpu=$c; fi
    if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  echo "$name $wall $cpu $rss $(python3 "$here/count.py" "$kind" "$out")"
}

results="$work/full-results.txt"
: > "$results"
for corpus in full-python full-npm; do
  lang=python
  [ "$corpus" = full-npm ] && lang=javascript
  dir="$work/$corpus"
  echo "== $corpus" >&2
  scan=("$agate" scan "$dir" --offline --include-vendored --format json --output "$work/out.json")
  measure "$corpus/default" agate "$work/out.json" "${scan[@]}" >> "$results"
  measure "$corpus/only-sast" agate "$work/out.json" "${scan[@]}" --only sast >> "$results"
  measure "$corpus/only-secrets" agate "$work/out.json" "${scan[@]}" --only secrets >> "$results"
  measure "$corpus/agate-30" agate "$work/out.json" "${scan[@]}" --only sast --no-bundled-rules \
    --rules "$work/rules30-$lang" >> "$results"
  measure "$corpus/ast-grep-30" ast-grep "$work/out.jsonl" \
    sh -c "cd '$work' && exec '$sg' scan -c 'sgconfig30-$lang.yml' --json=stream '$dir' > '$work/out.jsonl'" >> "$results"
done

python3 - "$work" "$results" <<'PY'
import json, os, sys
work, results = sys.argv[1], sys.argv[2]
corpora = json.load(open(os.path.join(work, "full-corpus.json")))
rows = {}
print(f"{'run':<26} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'findings':>9}")
for line in open(results):
    name, wall, cpu, kb, findings = line.split()
    rows[name] = (float(wall), float(cpu))
    print(f"{name:<26} {float(wall):>7.2f} {float(cpu):>7.2f} {int(kb) / 1024:>8.0f} {findings:>9}")
print()
for corpus, s in corpora.items():
    print(f"{corpus}: {s['files']} files, {s['bytes'] / 1e6:.1f} MB; {s['source_files']} source files, "
          f"{s['source_lines']} lines")
    for i, what in enumerate(("wall", "cpu")):
        default, sast = rows[f"{corpus}/default"][i], rows[f"{corpus}/only-sast"][i]
        sg = rows[f"{corpus}/ast-grep-30"][i]
        print(f"  {what}: default / --only sast = {default / sast:.2f}x, "
              f"default / ast-grep-30 = {default / sg:.2f}x")
PY
