#!/usr/bin/env bash
# Provenance benchmark (issue [3]): a synthetic repository of 50,000 commits over 500
# files, every 7th commit AI-assisted (a Claude trailer), and a 5-commit change touching 50 of
# the files; then `agate gate --base main` over it and `agate provenance show` (full history)
# of those files, cold (no blame cache) and warm. Usage: bench/provenance.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work/provenance-repo"
COMMITS=${COMMITS:-50000}
FILES=${FILES:-500}

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
agate="$root/target/release/agate"

if [ ! -d "$work/.git" ]; then
  echo "== building a repository with $COMMITS commits over $FILES files" >&2
  rm -rf "$work" && mkdir -p "$work"
  git -C "$work" init -q -b main
  python3 - "$COMMITS" "$FILES" <<'PY' | git -C "$work" fast-import --quiet
import sys
commits, files = int(sys.argv[1]), int(sys.argv[2])
contents = {f: [] for f in range(files)}
for n in range(commits):
    f = n % files
    contents[f].append(f"value_{n} = {n}")
    data = "\n".join(contents[f]) + "\n"
    message = f"change {n}\n"
    if n % 7 == 0:
        message += "\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
    out = sys.stdout
    out.write("commit refs/heads/main\n")
    out.write(f"committer Dev <dev@example.com> {1_700_000_000 + n} +0000\n")
    out.write(f"data {len(message.encode())}\n{message}")
    out.write(f"M 644 inline pkg/mod_{f:04}.py\ndata {len(data.encode())}\n{data}\n")
PY
  git -C "$work" checkout -q main
fi

# The change under review: 5 commits on a branch, each touching the same 50 files (the
# 2nd and 4th AI-assisted), adding a finding to each.
if ! git -C "$work" rev-parse -q --verify change >/dev/null; then
  git -C "$work" checkout -q -B change main
  for c in 1 2 3 4 5; do
    for f in $(seq 0 49); do
      printf 'result_%s = eval(input())\n' "$c" >> "$work/pkg/mod_$(printf %04d "$f").py"
    done
    trailer=""
    if [ $((c % 2)) -eq 0 ]; then trailer=$'\n\nCo-Authored-By: Claude <noreply@anthropic.com>'; fi
    git -C "$work" -c user.name=Dev -c user.email=dev@example.com commit -qam "change $c$trailer"
  done
fi
git -C "$work" checkout -q change

paths=()
for f in $(seq 0 49); do paths+=("pkg/mod_$(printf %04d "$f").py"); done
cd "$work"
echo "== a change of 5 commits touching 50 files, in $(git rev-list --count HEAD) commits" >&2
/usr/bin/time -f "scan only (no provenance): %e s, %M KB" "$agate" scan pkg --format json > /dev/null
rm -rf .agate/cache
/usr/bin/time -f "gate --base main, cold: %e s, %M KB" "$agate" gate pkg --base main --format json > /tmp/agate-gate.json || true
/usr/bin/time -f "gate --base main, warm: %e s, %M KB" "$agate" gate pkg --base main --format json > /dev/null || true
python3 -c "
import json, collections; report = json.load(open('/tmp/agate-gate.json'))
print(dict(collections.Counter(f['tier'] for f in report['findings'])), 'findings by tier')"

echo "== full-history blame of the same 50 files (agate provenance show)" >&2
rm -rf .agate/cache
/usr/bin/time -f "cold: %e s, %M KB" "$agate" provenance show "${paths[@]}" --format json > /tmp/agate-provenance.json
/usr/bin/time -f "warm: %e s, %M KB" "$agate" provenance show "${paths[@]}" --format json > /dev/null
python3 -c "
import json; rows = json.load(open('/tmp/agate-provenance.json'))
ai = sum(r['end_line'] - r['start_line'] + 1 for r in rows if r['origin'] == 'ai')
total = sum(r['end_line'] - r['start_line'] + 1 for r in rows)
print(f'{len(rows)} ranges, {ai} of {total} lines ai')"
git checkout -q main
