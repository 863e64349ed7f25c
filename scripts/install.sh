#!/bin/sh
# Installs agate's prebuilt binary from a release, after checking it: the release's
# SHA256SUMS must carry a valid ed25519 signature by agate's release key (pinned below),
# and the binary must match its line in SHA256SUMS. Nothing is installed otherwise.
#
#   curl -fsSL https://github.com/agate-dev/agate/releases/download/v0.1.0/install.sh | sh
#   sh install.sh [--version 0.1.0] [--dir DIR] [--base-url URL]
#
#   --version   the release (default: the one this script came with)
#   --dir       where `agate` goes (default: $AGATE_INSTALL_DIR, else ~/.local/bin)
#   --base-url  where the release's files are (default: its GitHub release; a mirror works,
#               since the signature is checked)
#
# Needs: curl or wget, and OpenSSL 3 (`openssl pkeyutl -rawin` verifies ed25519; macOS's
# LibreSSL does not: `brew install openssl@3`). Linux (x86_64, aarch64; static binaries)
# and macOS (x86_64, arm64). Exit codes: 0 installed, 1 a check failed (nothing
# installed), 2 bad usage or an unsupported system.
set -eu

version=0.1.0
dir="${AGATE_INSTALL_DIR:-${HOME:-}/.local/bin}"
base_url=""

# agate's release key (SubjectPublicKeyInfo PEM); its private half signs SHA256SUMS in the
# release workflow (.github/workflows/release.yml). Also in packaging/release-key.pub.
release_key() {
  cat << 'KEY'
-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAlZWTLq+4vkZT0EEj4E3PIYfadQnYOxJ0yGXJ7uWpciw=
-----END PUBLIC KEY-----
KEY
}

say() { printf 'agate install: %s\n' "$*" >&2; }
usage() {
  say "$1"
  exit 2
}
refuse() {
  say "$1"
  say "nothing was installed"
  exit 1
}

while [ "$#" -gt 0 ]; do
  case "$1" in
    --version)
      [ "$#" -ge 2 ] || usage "--version needs a value, e.g. --version 0.1.0"
      version="${2#v}"
      shift 2
      ;;
    --dir)
      [ "$#" -ge 2 ] || usage "--dir needs a value, e.g. --dir /usr/local/bin"
      dir="$2"
      shift 2
      ;;
    --base-url)
      [ "$#" -ge 2 ] || usage "--base-url needs a value"
      base_url="${2%/}"
      shift 2
      ;;
    -h | --help)
      sed -n '2,17p' "$0" 2> /dev/null | sed 's/^# \{0,1\}//' >&2 || true
      exit 0
      ;;
    *) usage "unknown argument \`$1\`: use --version, --dir or --base-url" ;;
  esac
done
[ -n "$dir" ] || usage "no install folder: HOME is not set; pass --dir"
[ -n "$base_url" ] || base_url="https://github.com/agate-dev/agate/releases/download/v$version"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64 | Linux-amd64) asset=agate-x86_64-unknown-linux-gnu ;;
  Linux-aarch64 | Linux-arm64) asset=agate-aarch64-unknown-linux-gnu ;;
  Darwin-x86_64) asset=agate-x86_64-apple-darwin ;;
  Darwin-arm64) asset=agate-aarch64-apple-darwin ;;
  *) usage "no prebuilt binary for $(uname -s) $(uname -m): download one from the release page or build with cargo (docs/install.md)" ;;
esac

command -v openssl > /dev/null 2>&1 || usage "openssl is not installed: it verifies the release's signature (OpenSSL 3)"
if command -v curl > /dev/null 2>&1; then
  fetch() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget > /dev/null 2>&1; then
  fetch() { wget -q -O "$2" "$1"; }
else
  usage "neither curl nor wget is installed: one of them downloads the release"
fi

work="$(mktemp -d 2> /dev/null || mktemp -d -t agate-install)"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

for file in "$asset" SHA256SUMS SHA256SUMS.sig; do
  fetch "$base_url/$file" "$work/$file" || refuse "cannot download $base_url/$file"
done

release_key > "$work/release.pub"
if ! openssl pkeyutl -verify -pubin -inkey "$work/release.pub" -rawin \
  -in "$work/SHA256SUMS" -sigfile "$work/SHA256SUMS.sig" > "$work/openssl.out" 2>&1; then
  if grep -qi 'signature verification failure\|verification failure' "$work/openssl.out"; then
    refuse "SHA256SUMS is not signed by agate's release key: the signature does not verify"
  fi
  refuse "cannot verify SHA256SUMS's signature with openssl ($(head -n 1 "$work/openssl.out")): OpenSSL 3 is needed"
fi

expected="$(awk -v name="$asset" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")"
[ -n "$expected" ] || refuse "SHA256SUMS has no line for $asset"
actual="$(openssl dgst -sha256 -r "$work/$asset" | cut -d ' ' -f 1)"
[ "$actual" = "$expected" ] || refuse "$asset does not match SHA256SUMS (SHA-256 $actual, expected $expected)"

mkdir -p "$dir"
cp "$work/$asset" "$dir/.agate.tmp.$$"
chmod 755 "$dir/.agate.tmp.$$"
mv -f "$dir/.agate.tmp.$$" "$dir/agate"
say "installed $("$dir/agate" --version) to $dir/agate"
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "$dir is not on PATH: add it, e.g. export PATH=\"$dir:\$PATH\"" ;;
esac
