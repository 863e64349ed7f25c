#!/usr/bin/env bash
# Provenance benchmark (issue [3]): a synthetic repository of 50,000 commits over 500
# files, every 7th commit AI-assisted (a Claude trailer); then `agate provenance show`
# over 50 of the files, cold (no blame cache) and warm. Usage: bench/provenance.sh
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

paths=()
for f in $(seq 0 49); do paths+=("pkg/mod_$(printf %04d "$f").py"); done
cd "$work"
rm -rf .agate/cache
/usr/bin/time -f "cold: %e s, %M KB" "$agate" provenance show "${paths[@]}" --format json > /tmp/agate-provenance.json
/usr/bin/time -f "warm: %e s, %M KB" "$agate" provenance show "${paths[@]}" --format json > /dev/null
python3 -c "
import json; rows = json.load(open('/tmp/agate-provenance.json'))
ai = sum(r['end_line'] - r['start_line'] + 1 for r in rows if r['origin'] == 'ai')
total = sum(r['end_line'] - r['start_line'] + 1 for r in rows)
print(f'{len(rows)} ranges, {ai} of {total} lines ai')"
