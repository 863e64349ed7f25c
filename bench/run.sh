#!/usr/bin/env bash
# Benchmarks agate against ast-grep and Semgrep on code nobody here wrote:
#   - the Python standard library of this machine's python3 (site-packages excluded)
#   - the JavaScript of a node_modules tree (`npm install express lodash axios moment`)
# Each tool runs the same ten patterns (agate and ast-grep read the very same rule files;
# Semgrep gets equivalents in bench/semgrep-*.yaml); agate also runs with all its rules.
# Prints wall time (best of $RUNS), files/s, MB/s, peak RSS and findings, then the ratios.
#
# Needs: cargo, python3 with pip, npm, /usr/bin/time. Installs ast-grep-cli and semgrep
# from PyPI into bench/.work/venv. Usage: bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work"
RUNS=${RUNS:-3}
mkdir -p "$work"

echo "== building agate (release)" >&2
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
agate="$root/target/release/agate"

if [ ! -x "$work/venv/bin/semgrep" ] || [ ! -x "$work/venv/bin/ast-grep" ]; then
  echo "== installing ast-grep-cli and semgrep into bench/.work/venv" >&2
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet ast-grep-cli semgrep
fi
sg="$work/venv/bin/ast-grep"
semgrep="$work/venv/bin/semgrep"

python3 "$here/corpus.py" "$work"

# The ten shared rules: the same YAML files for agate and ast-grep.
for lang in python javascript; do
  rm -rf "$work/rules-$lang" && mkdir -p "$work/rules-$lang"
  while read -r id; do cp "$root/rules/$lang/$id.yaml" "$work/rules-$lang/"; done < "$here/rules-$lang.txt"
  printf 'ruleDirs:\n  - rules-%s\n' "$lang" > "$work/sgconfig-$lang.yml"
done

# measure NAME KIND OUTPUT COMMAND...: best wall time of $RUNS runs, peak RSS, findings.
measure() {
  local name=$1 kind=$2 out=$3
  shift 3
  local best="" rss=0 wall kb
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || true
    read -r wall kb < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
    if [ "$kb" -gt "$rss" ]; then rss=$kb; fi
  done
  echo "$name $best $rss $(python3 "$here/count.py" "$kind" "$out")"
}

results="$work/results.txt"
: > "$results"
for lang in python javascript; do
  corpus="$work/corpus-$lang"
  echo "== $lang" >&2
  measure "agate-all/$lang" agate "$work/out.json" \
    "$agate" scan "$corpus" --format json --output "$work/out.json" >> "$results"
  measure "agate-10/$lang" agate "$work/out.json" \
    "$agate" scan "$corpus" --no-bundled-rules --rules "$work/rules-$lang" --format json --output "$work/out.json" >> "$results"
  measure "ast-grep-10/$lang" ast-grep "$work/out.jsonl" \
    sh -c "cd '$work' && exec '$sg' scan -c 'sgconfig-$lang.yml' --json=stream '$corpus' > '$work/out.jsonl'" >> "$results"
  measure "semgrep-10/$lang" semgrep "$work/out.semgrep.json" \
    "$semgrep" scan --metrics=off --disable-version-check --quiet --no-git-ignore --config "$here/semgrep-$lang.yaml" \
      --json --output "$work/out.semgrep.json" "$corpus" >> "$results"
done

python3 "$here/report.py" "$work" "$results"
