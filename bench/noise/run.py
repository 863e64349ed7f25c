#!/usr/bin/env python3
"""False alarms on popular projects: scans ten pinned releases and counts findings per 10k lines.

    python3 bench/noise/run.py --agate PATH [--work DIR] [--only NAME ...] [--rules DIR ...]
                               [--show RULE ...] [--json FILE]

Downloads each project's published source archive (PyPI sdist, npm tarball, Maven Central
`-sources.jar`) at a pinned version, checks its pinned SHA-256, unpacks it under the work
folder (default `bench/.work/noise`, ignored by git), runs `agate scan DIR --format json` on it
and prints, per project: lines of code, findings at medium and above (all analyzers, at the
severity the report gives them: the built-in policy reports findings in test code at most at
`low`), findings per 10,000 lines, the findings in test code (any severity, by their
`context`), and the medium+ findings by rule. Lines of code are the non-blank lines of the
.py/.js/.mjs/.cjs/.ts/.java files the scan covers: the vendored and generated folders agate
leaves out by default are left out, hidden files too, and files the report names as skipped.
`--rules` scans with rule folders instead of the bundled rules (to try a rule change
without building agate); `--show` prints the findings to triage.
Python 3 standard library only; a benchmark, never a test.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path

PYPI = "https://files.pythonhosted.org/packages"
NPM = "https://registry.npmjs.org"
MAVEN = "https://repo1.maven.org/maven2"

# (name, language, version, URL, SHA-256 of the archive)
PROJECTS = [
    ("requests", "python", "2.32.3",
     f"{PYPI}/63/70/2bf7780ad2d390a8d301ad0b550f1581eadbd9a20f896afe06353c2a2913/requests-2.32.3.tar.gz",
     "55365417734eb18255590a9ff9eb97e9e1da868d4ccd6402399eaf68af20a760"),
    ("flask", "python", "3.0.3",
     f"{PYPI}/41/e1/d104c83026f8d35dfd2c261df7d64738341067526406b40190bc063e829a/flask-3.0.3.tar.gz",
     "ceb27b0af3823ea2737928a4d99d125a06175b8512c445cbd9a9ce200ef76842"),
    ("jinja2", "python", "3.1.4",
     f"{PYPI}/ed/55/39036716d19cab0747a5020fc7e907f362fbf48c984b14e62127f7e68e5d/jinja2-3.1.4.tar.gz",
     "4a3aee7acbbe7303aede8e9648d13b8bf88a429282aa6122a993f0ac800cb369"),
    ("click", "python", "8.1.7",
     f"{PYPI}/96/d3/f04c7bfcf5c1862a2a5b845c6b2b360488cf47af55dfa79c98f6a6bf98b5/click-8.1.7.tar.gz",
     "ca9853ad459e787e2192211578cc907e7594e294c7ccc834310722b41b9ca6de"),
    ("express", "javascript", "4.21.1",
     f"{NPM}/express/-/express-4.21.1.tgz",
     "4097da0999b7078263460df02b0990244794d84e79e185e6d4ff50ce06d79462"),
    ("lodash", "javascript", "4.17.21",
     f"{NPM}/lodash/-/lodash-4.17.21.tgz",
     "6a087ac9e5702a0c9d60fbcd48696012646ec8df1491dea472b150e79fcaf804"),
    ("axios", "javascript", "1.7.7",
     f"{NPM}/axios/-/axios-1.7.7.tgz",
     "5f2dde3882446ea1cb5094dd7db99b4ed7cf09f0c96be646a8d30959b0923bec"),
    ("commons-lang3", "java", "3.17.0",
     f"{MAVEN}/org/apache/commons/commons-lang3/3.17.0/commons-lang3-3.17.0-sources.jar",
     "5fdcac21ad329766054a95367d7583dfcdca737d221d5e01a5f2a198c04c6b18"),
    ("guava", "java", "33.3.1-jre",
     f"{MAVEN}/com/google/guava/guava/33.3.1-jre/guava-33.3.1-jre-sources.jar",
     "b7cbdad958b791f2a036abff7724570bf9836531c460966f8a3d0df8eaa1c21d"),
    ("jackson-databind", "java", "2.18.1",
     f"{MAVEN}/com/fasterxml/jackson/core/jackson-databind/2.18.1/jackson-databind-2.18.1-sources.jar",
     "992f36c82e422e4847f5f63f7acf3e4266a4154ea0af9408d56bc81392473615"),
]

# agate's default walk leaves these folders out (crates/agate-lang/src/walk.rs, VENDORED_DIRS).
VENDORED_DIRS = {
    "node_modules", "bower_components", "jspm_packages", ".venv", "venv", "virtualenv",
    "site-packages", "__pycache__", ".tox", ".nox", "target", "dist", "build", "vendor",
    "third_party", ".next", ".nuxt", "coverage",
}
SOURCE_SUFFIXES = {".py", ".js", ".mjs", ".cjs", ".ts", ".java"}
AT_LEAST_MEDIUM = {"medium", "high", "critical"}
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024


def download(url, dest, sha256):
    """Fetches `url` into `dest` unless a copy with the pinned digest is already there."""
    if dest.exists() and hashlib.sha256(dest.read_bytes()).hexdigest() == sha256:
        return
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read(MAX_ARCHIVE_BYTES + 1)
    if len(data) > MAX_ARCHIVE_BYTES:
        sys.exit(f"{url} is larger than {MAX_ARCHIVE_BYTES} bytes; check the pinned URL")
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        sys.exit(f"{url} has SHA-256 {digest}, not the pinned {sha256}; refusing to scan it")
    dest.write_bytes(data)


def inside(root, name):
    """True when the archive member `name` stays under `root` once joined."""
    target = (root / name).resolve()
    return target == root or root in target.parents


def unpack(archive, dest):
    """Unpacks a .tar.gz/.tgz or .jar into `dest` (fresh), refusing members outside it."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    root = dest.resolve()
    if archive.suffix == ".jar":
        with zipfile.ZipFile(archive) as jar:
            for name in jar.namelist():
                if not inside(root, name):
                    sys.exit(f"{archive.name}: member `{name}` escapes the folder")
            jar.extractall(dest)
        return
    with tarfile.open(archive, "r:gz") as tar:
        members = []
        for member in tar.getmembers():
            if not inside(root, member.name) or member.issym() or member.islnk():
                sys.exit(f"{archive.name}: member `{member.name}` escapes the folder or is a link")
            if member.isfile() or member.isdir():
                members.append(member)
        tar.extractall(dest, members=members)


def count_lines(root, skipped):
    """Non-blank lines of the source files agate's default walk covers under `root`."""
    total = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in VENDORED_DIRS and not d.startswith(".")]
        for name in files:
            path = Path(folder) / name
            if name.startswith(".") or path.suffix not in SOURCE_SUFFIXES:
                continue
            if path.relative_to(root).as_posix() in skipped:
                continue
            with open(path, "rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def scan(agate, folder, rules):
    """Runs `agate scan` on `folder` and returns its JSON report."""
    command = [agate, "scan", ".", "--format", "json", "--color", "never"]
    for rule_folder in rules:
        command += ["--rules", str(Path(rule_folder).resolve())]
    if rules:
        command.append("--no-bundled-rules")
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"agate failed on {folder} (exit {done.returncode}):\n{done.stderr}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agate", required=True, help="the agate binary to measure")
    parser.add_argument("--work", default=Path(__file__).resolve().parent.parent / ".work" / "noise",
                        type=Path, help="where archives are downloaded and unpacked")
    parser.add_argument("--only", nargs="*", default=[], help="measure only these projects")
    parser.add_argument("--rules", nargs="*", default=[],
                        help="scan with the rules of these folders instead of the bundled ones")
    parser.add_argument("--show", nargs="*", default=[],
                        help="print each medium+ finding of these rules (`all` for every one)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    agate = str(Path(args.agate).resolve())
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, language, version, url, sha256 in PROJECTS:
        if args.only and name not in args.only:
            continue
        archive = args.work / url.rsplit("/", 1)[1]
        download(url, archive, sha256)
        folder = args.work / f"{name}-{version}"
        unpack(archive, folder)
        report = scan(agate, folder, args.rules)
        skipped = {n["path"] for n in report.get("notices", []) if n.get("path")}
        lines = count_lines(folder.resolve(), skipped)
        medium = [f for f in report["findings"] if f["severity"] in AT_LEAST_MEDIUM]
        in_tests = [f for f in report["findings"] if f.get("context") == "test"]
        by_rule = Counter(f["rule_id"] for f in medium)
        rows.append({
            "project": name, "language": language, "version": version, "lines": lines,
            "medium_plus": len(medium), "test_code": len(in_tests),
            "per_10k": round(len(medium) * 10000 / lines, 2) if lines else 0.0,
            "by_rule": dict(sorted(by_rule.items())),
        })
        for finding in medium:
            if "all" in args.show or finding["rule_id"] in args.show:
                where = finding["location"]
                print(f"  {name}: {finding['rule_id']} [{finding['severity']}"
                      f"{', test' if finding.get('context') == 'test' else ''}] "
                      f"{where['path']}:{where['start']['line']}: {finding['snippet'].splitlines()[0].strip()[:120]}")

    # `test code`: findings of any severity with the `test` context (reported, at most at
    # the policy's `tests.severity`); medium+ counts them only when they stay at medium+.
    print(f"{'project':<18}{'version':<12}{'lines':>8}{'medium+':>9}{'per 10k':>9}{'test code':>11}")
    for row in rows:
        print(f"{row['project']:<18}{row['version']:<12}{row['lines']:>8}{row['medium_plus']:>9}"
              f"{row['per_10k']:>9.2f}{row['test_code']:>11}")
        for rule, count in row["by_rule"].items():
            print(f"    {count:>4}  {rule}")
    lines = sum(r["lines"] for r in rows)
    medium = sum(r["medium_plus"] for r in rows)
    if lines:
        print(f"{'all':<30}{lines:>8}{medium:>9}{medium * 10000 / lines:>9.2f}"
              f"{sum(r['test_code'] for r in rows):>11}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
