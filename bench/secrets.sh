#!/usr/bin/env bash
# Secrets benchmark (issue [4]): agate, gitleaks, detect-secrets and a plain ripgrep pass over
# the same trees, side by side in one run: the machine's Python standard library (every file,
# without site-packages) and a node_modules tree (every file). Best of 3 wall-clock runs.
# Tools: gitleaks from Debian 13's package and ripgrep from Debian 12's, unpacked with
# dpkg-deb under bench/.work/tools; detect-secrets from PyPI in bench/.work/venv.
# Usage: bench/secrets.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work="$here/.work"
tools="$work/tools"
mkdir -p "$tools"

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p agate
agate="$root/target/release/agate"

if [ ! -x "$tools/root/usr/bin/gitleaks" ]; then
  (cd "$tools" &&
    curl -s -m 300 -o Packages.xz http://deb.debian.org/debian/dists/trixie/main/binary-amd64/Packages.xz &&
    deb=$(xz -dc Packages.xz | awk '/^Package: gitleaks$/{f=1} f&&/^Filename:/{print $2; exit}') &&
    curl -s -m 300 -O "http://deb.debian.org/debian/$deb" &&
    dpkg-deb -x "$(basename "$deb")" root && rm -f Packages.xz)
fi
if [ ! -x "$tools/root/usr/bin/rg" ]; then
  (cd "$tools" && apt-get download ripgrep 2>/dev/null && dpkg-deb -x ripgrep_*.deb root)
fi
if [ ! -x "$work/venv/bin/detect-secrets" ]; then
  python3 -m venv "$work/venv" && "$work/venv/bin/pip" install -q detect-secrets
fi
gitleaks="$tools/root/usr/bin/gitleaks"
rg="$tools/root/usr/bin/rg"
detect="$work/venv/bin/detect-secrets"

# The trees, copied out of any git checkout so every tool sees plain folders.
python_tree="$work/secrets-python"
if [ ! -d "$python_tree" ]; then
  stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
  mkdir -p "$python_tree" && (cd "$stdlib" && tar --exclude=site-packages --exclude=__pycache__ -cf - .) | tar -xf - -C "$python_tree"
fi
js_tree="$work/secrets-js"
if [ ! -d "$js_tree" ]; then
  [ -d "$work/npm/node_modules" ] || python3 "$here/corpus.py" "$work" >/dev/null
  # Not under a folder named node_modules: gitleaks's default allowlist skips those.
  mkdir -p "$js_tree" && cp -r "$work/npm/node_modules" "$js_tree/packages"
fi
# The keywords of agate's rules, for the ripgrep pass.
sed -n 's/^keywords: \[\(.*\)\]/\1/p' "$root"/rules/secrets/*.yaml | tr ',' '\n' |
  sed 's/^ *"//; s/" *$//' | grep -v '^$' | sort -u > "$work/secret-keywords.txt"

best() { # best of 3: prints seconds and peak KB
  local best_s="" best_kb=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2>&1 || true
    read -r s kb < "$work/time"
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_kb=$kb; fi
  done
  echo "$best_s $best_kb"
}

for tree in "$python_tree" "$js_tree"; do
  files=$(find "$tree" -type f | wc -l)
  mb=$(du -sm "$tree" | cut -f1)
  echo "== $(basename "$tree"): $files files, $mb MB"
  read -r s kb <<< "$(best "$agate" scan "$tree" --only secrets --no-ignore --format json --output "$work/agate-secrets.json")"
  echo "agate          ${s} s  ${kb} KB  $(python3 -c "import json;print(len(json.load(open('$work/agate-secrets.json'))['findings']))") findings"
  read -r s kb <<< "$(best "$gitleaks" detect --no-git --source "$tree" --report-format json --report-path "$work/gitleaks.json" --exit-code 0)"
  echo "gitleaks       ${s} s  ${kb} KB  $(python3 -c "import json;print(len(json.load(open('$work/gitleaks.json'))))") findings"
  read -r s kb <<< "$(best sh -c "cd '$tree' && exec '$detect' scan --all-files > '$work/detect-secrets.json'")"
  echo "detect-secrets ${s} s  ${kb} KB  $(python3 -c "import json;print(sum(len(v) for v in json.load(open('$work/detect-secrets.json'))['results'].values()))") findings"
  read -r s kb <<< "$(best "$rg" -uuu -i -c -F -f "$work/secret-keywords.txt" "$tree")"
  echo "ripgrep pass   ${s} s  ${kb} KB  (keywords only)"
done
