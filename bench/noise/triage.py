#!/usr/bin/env python3
"""Noise reduction of baseline + triage on a real project: bottle 0.12.25 -> 0.13.0.

    python3 bench/noise/triage.py --agate PATH [--work DIR] [--json FILE]

Lives the adoption of agate by a team, with the real commands, on two consecutive published
releases of bottle (PyPI sdists pinned by version and SHA-256, downloaded and unpacked with
bench/noise/run.py's helpers under `bench/.work/triage`, ignored by git):

  1. the old release in a fresh git repository: `agate gate` — every finding is open;
  2. `agate baseline create --reason legacy`, committed; `agate gate` again;
  3. the files replaced by the newer release, committed; `agate gate --base <step 2 commit>`
     reports the findings the baseline does not hold (a run with an empty baseline shows
     what the same change costs without one);
  4. a reviewer labels every finding (bench/noise/labels/bottle-*.yaml, one entry per
     finding, with the reason); the false positives are written to `.agate/triage.yaml`
     as `false-positive` decisions and committed, the true positives stay open;
  5. `agate gate --base <step 2 commit>` again: what a reviewer still reads.

Prints, per step, the open findings (status `open`: not baselined, suppressed or
triaged), the blocking ones, the false positives among the open ones (by the labels) and
precision (true positives / open). When the agate given does not
know `agate triage`, step 5 is computed from step 3's report (open minus the false
positives) and the table says so; when it does, step 5 runs and the script checks that the
measured open and blocking counts equal the computed ones. Exit 1 when a finding has no
label, a label matches no finding, or the measured step 5 differs from the computed one.
Python 3 standard library only; a benchmark, never a test (docs/noise.md).
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402  (bench/noise/run.py: download and unpack helpers)

PYPI = "https://files.pythonhosted.org/packages"
PROJECT = "bottle"
# (version, URL, SHA-256 of the sdist): consecutive releases on PyPI (2023-03-04, 2024-09-05).
OLD = ("0.12.25",
       f"{PYPI}/fd/04/1c09ab851a52fe6bc063fd0df758504edede5cc741bd2e807bf434a09215/bottle-0.12.25.tar.gz",
       "e1a9c94970ae6d710b3fb4526294dfeb86f2cb4a81eff3a4b98dc40fb0e5e021")
NEW = ("0.13.0",
       f"{PYPI}/3e/5b/1c6ceed49cec0beb9ae9f6e511833d16e6935dd374925d1525588ea12f2b/bottle-0.13.0.tar.gz",
       "ce11b454c3853c1b3283aabf68108d169b233b85fc5ceb3f0b732bfe24aa746d")
LABELS = HERE / "labels"
BY = "noise benchmark"
TRIAGE_HEADER = "# agate triage decisions — written by `agate triage mark`; review changes in pull requests."
VERDICTS = {"true-positive", "false-positive"}
LABEL_KEYS = ["fingerprint", "rule", "path", "line", "verdict", "decision", "reason", "by", "on"]
PLAIN = re.compile(r"^[A-Za-z0-9_./@+-]+$")
# Variables that would make agate pick a base, an author or AI flags from the environment.
ENV_DROP = re.compile(r"^(CI|CI_.*|GITHUB_.*|GITLAB_.*|AGATE_AI_CHANGE|AGATE_USER|GIT_.*)$")


def child_env():
    """The environment for agate and git: no CI, git or agate variables that change the run."""
    env = {k: v for k, v in os.environ.items() if not ENV_DROP.match(k)}
    env.update({"GIT_AUTHOR_NAME": BY, "GIT_AUTHOR_EMAIL": "noise@bench.invalid",
                "GIT_COMMITTER_NAME": BY, "GIT_COMMITTER_EMAIL": "noise@bench.invalid",
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull})
    return env


def git(repo, *args):
    """Runs git in `repo` and returns its standard output; stops the benchmark on failure."""
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                          env=child_env(), check=False)
    if done.returncode != 0:
        sys.exit(f"git {' '.join(args)} failed in {repo} (exit {done.returncode}):\n{done.stderr}")
    return done.stdout.strip()


def commit(repo, message):
    """Commits every change in `repo` and returns the new commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def agate(binary, repo, *args, ok=(0,)):
    """Runs agate in `repo`; returns the completed process (exit codes outside `ok` stop)."""
    done = subprocess.run([binary, *args], cwd=repo, capture_output=True, text=True,
                          env=child_env(), check=False)
    if done.returncode not in ok:
        sys.exit(f"`agate {' '.join(args)}` failed in {repo} (exit {done.returncode}):\n{done.stderr}")
    return done


def gate(binary, repo, report, *args):
    """`agate gate … --format json`: exit 0 (pass) or 1 (blocked); returns the report."""
    agate(binary, repo, "gate", ".", "--color", "never", "--format", "json", "-o", str(report),
          *args, ok=(0, 1))
    return json.loads(report.read_text())


def fetch(work, release):
    """Downloads and unpacks one pinned release; returns the folder holding its files."""
    version, url, sha256 = release
    archive = work / url.rsplit("/", 1)[1]
    run.download(url, archive, sha256)
    folder = work / f"{PROJECT}-{version}"
    run.unpack(archive, folder)
    inner = [p for p in folder.iterdir()]
    if len(inner) != 1 or not inner[0].is_dir():
        sys.exit(f"{archive.name}: expected one top-level folder, found {len(inner)} entries")
    return inner[0]


def replace_tree(repo, source):
    """Makes `repo`'s files those of `source`, keeping .git and .agate."""
    for entry in repo.iterdir():
        if entry.name in (".git", ".agate"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(source, repo, dirs_exist_ok=True, symlinks=True)


def parse_scalar(text, where):
    """A value of the labels format: a JSON string, an integer, or a plain word."""
    if text.startswith('"'):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            sys.exit(f"{where}: bad quoted string ({error.msg}); use JSON-style double quotes")
        if not isinstance(value, str):
            sys.exit(f"{where}: expected one quoted string")
        return value
    if re.fullmatch(r"[0-9]+", text):
        return int(text)
    if PLAIN.match(text):
        return text
    sys.exit(f"{where}: `{text}` must be a JSON-style double-quoted string")


def read_labels(path):
    """Reads a labels file (the `.agate/triage.yaml` layout plus `line` and `verdict`)."""
    entries = []
    saw_version = saw_decisions = False
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line == "version: 1":
            saw_version = True
            continue
        if line == "decisions:":
            saw_decisions = True
            continue
        item = re.fullmatch(r"  (- |  )([a-z_]+): (.+)", line)
        if not item or not saw_decisions:
            sys.exit(f"{where}: expected `  - key: value` or `    key: value` under `decisions:`")
        start, key, value = item.groups()
        if key not in LABEL_KEYS:
            sys.exit(f"{where}: unknown key `{key}`; expected one of {', '.join(LABEL_KEYS)}")
        if start == "- ":
            entries.append({"_where": where})
        elif not entries:
            sys.exit(f"{where}: `{key}` before the first `- fingerprint:`")
        if key in entries[-1]:
            sys.exit(f"{where}: `{key}` given twice in one entry")
        entries[-1][key] = parse_scalar(value, where)
    if not saw_version:
        sys.exit(f"{path}: missing `version: 1`")
    for entry in entries:
        where = entry["_where"]
        missing = [k for k in LABEL_KEYS if k != "decision" and k not in entry]
        if missing:
            sys.exit(f"{where}: entry lacks {', '.join(missing)}")
        if entry["verdict"] not in VERDICTS:
            sys.exit(f"{where}: verdict `{entry['verdict']}` is not true-positive or false-positive")
        wanted = "false-positive" if entry["verdict"] == "false-positive" else None
        if entry.get("decision") != wanted:
            sys.exit(f"{where}: a {entry['verdict']} entry needs "
                     f"{'`decision: false-positive`' if wanted else 'no `decision`'}")
    return entries


def load_labels():
    """Every label of the project's files, by fingerprint (one entry per finding)."""
    labels = {}
    files = sorted(LABELS.glob(f"{PROJECT}-*.yaml"))
    if not files:
        sys.exit(f"no labels in {LABELS} for {PROJECT}")
    for path in files:
        for entry in read_labels(path):
            if entry["fingerprint"] in labels:
                sys.exit(f"{entry['_where']}: fingerprint `{entry['fingerprint']}` labelled twice "
                         f"(also {labels[entry['fingerprint']]['_where']})")
            labels[entry["fingerprint"]] = entry
    return labels


def quote(value):
    """A string as the triage file writes it: plain when it is a plain word, else JSON-quoted."""
    return value if PLAIN.match(value) and value[0] not in "-@" else json.dumps(value, ensure_ascii=False)


def write_triage(repo, decisions):
    """Writes `.agate/triage.yaml` with the false-positive decisions, in the triage layout."""
    out = [TRIAGE_HEADER, "version: 1", "decisions:"]
    for entry in sorted(decisions, key=lambda e: (e["path"], e["rule"], e["fingerprint"])):
        out.append(f'  - fingerprint: "{entry["fingerprint"]}"')
        out.append(f"    rule: {quote(entry['rule'])}")
        out.append(f"    path: {quote(entry['path'])}")
        out.append(f"    decision: {entry['decision']}")
        out.append(f"    reason: {json.dumps(entry['reason'], ensure_ascii=False)}")
        out.append(f"    by: {json.dumps(entry['by'], ensure_ascii=False)}")
        out.append(f"    on: {entry['on']}")
    path = repo / ".agate" / "triage.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def where(finding):
    """A finding's `path:line`."""
    return f"{finding['location']['path']}:{finding['location']['start']['line']}"


def measure(name, report, labels, ran=True):
    """One row of the table: open, blocking, false positives among the open, precision."""
    findings = report["findings"]
    open_ = [f for f in findings if f["status"] == "open"]
    verdicts = Counter(labels[f["fingerprint"]]["verdict"] if f["fingerprint"] in labels
                       else "unlabelled" for f in open_)
    labelled = verdicts["true-positive"] + verdicts["false-positive"]
    return {
        "step": name, "ran": ran, "findings": len(findings), "open": len(open_),
        "blocking": sum(1 for f in findings if f["blocking"]),
        "false_positives": verdicts["false-positive"], "true_positives": verdicts["true-positive"],
        "unlabelled": verdicts["unlabelled"],
        "precision": round(verdicts["true-positive"] / labelled, 3) if labelled else None,
    }


def computed_after_triage(report, labels):
    """Step 3's report with the false-positive findings taken out of open and blocking."""
    findings = []
    for finding in report["findings"]:
        label = labels.get(finding["fingerprint"])
        if label and label["verdict"] == "false-positive" and finding["status"] == "open":
            finding = dict(finding, status="triaged", blocking=False)
        findings.append(finding)
    return {"findings": findings}


def per_rule(report, labels):
    """Per rule over every finding of the newer release: findings, open at step 3, verdicts."""
    rows = {}
    for finding in report["findings"]:
        row = rows.setdefault(finding["rule_id"], Counter())
        row["findings"] += 1
        row["open"] += finding["status"] == "open"
        label = labels.get(finding["fingerprint"])
        row[label["verdict"] if label else "unlabelled"] += 1
        if label and label["verdict"] == "false-positive" and finding["status"] == "open":
            row["open_false_positives"] += 1
    return {rule: {"findings": c["findings"], "open_at_step_3": c["open"],
                   "true_positives": c["true-positive"], "false_positives": c["false-positive"],
                   "open_false_positives": c["open_false_positives"], "unlabelled": c["unlabelled"],
                   "false_positive_rate": round(c["false-positive"] / c["findings"], 2)}
            for rule, c in sorted(rows.items())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agate", required=True, help="the agate binary to measure")
    parser.add_argument("--work", default=HERE.parent / ".work" / "triage", type=Path,
                        help="where archives are downloaded and the scenario repository lives")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()

    binary = str(Path(args.agate).resolve())
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    labels = load_labels()
    old_tree, new_tree = fetch(work, OLD), fetch(work, NEW)
    has_triage = agate(binary, work, "triage", "--help", ok=(0, 2)).returncode == 0

    repo = work / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir()
    git(repo, "init", "-q")
    # agate's own cache is not part of the repository the team commits.
    (repo / ".git" / "info").mkdir(parents=True, exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text(".agate/cache/\n")
    replace_tree(repo, old_tree)
    commit(repo, f"{PROJECT} {OLD[0]}")
    reports = work / "reports"
    reports.mkdir(exist_ok=True)

    rows = []
    step1 = gate(binary, repo, reports / "1-gate-old.json")
    rows.append(measure(f"1. gate on {OLD[0]}, no baseline", step1, labels))

    agate(binary, repo, "baseline", "create", ".", "--color", "never", "--reason", "legacy",
          "--who", BY)
    base = commit(repo, "agate baseline: legacy findings")
    step2 = gate(binary, repo, reports / "2-gate-old-baselined.json")
    rows.append(measure(f"2. gate on {OLD[0]}, baseline", step2, labels))

    replace_tree(repo, new_tree)
    commit(repo, f"{PROJECT} {NEW[0]}")
    empty = work / "empty-baseline.json"
    empty.write_text('{"version": 1, "entries": []}\n')
    step3 = gate(binary, repo, reports / "3-gate-new.json", "--base", base)
    rows.append(measure(f"3. gate on {NEW[0]}, baseline", step3, labels))
    no_baseline = gate(binary, repo, reports / "3-gate-new-no-baseline.json",
                       "--base", base, "--baseline", str(empty))
    rows.append(measure("   (3 without the baseline)", no_baseline, labels))

    problems = []
    seen = {f["fingerprint"] for r in (step1, step3) for f in r["findings"]}
    for report, version in ((step1, OLD[0]), (step3, NEW[0])):
        for finding in report["findings"]:
            if finding["fingerprint"] not in labels:
                problems.append(f"{version}: no label for {finding['rule_id']} at {where(finding)} "
                                f"(fingerprint {finding['fingerprint']})")
    for fingerprint, label in sorted(labels.items()):
        if fingerprint not in seen:
            problems.append(f"{label['_where']}: label for {label['rule']} at "
                            f"{label['path']}:{label['line']} matches no finding")

    false_positives = [labels[f["fingerprint"]] for f in step3["findings"]
                       if f["fingerprint"] in labels
                       and labels[f["fingerprint"]]["verdict"] == "false-positive"]
    triage_file = write_triage(repo, false_positives)
    commit(repo, "agate triage: false positives")
    computed = measure(f"5. gate on {NEW[0]}, baseline + triage", computed_after_triage(step3, labels),
                       labels, ran=False)
    stats = None
    if has_triage:
        step5 = gate(binary, repo, reports / "5-gate-new-triaged.json", "--base", base)
        measured = measure(computed["step"], step5, labels)
        for key in ("open", "blocking", "false_positives"):
            if measured[key] != computed[key]:
                problems.append(f"step 5: measured {key} {measured[key]} differs from the "
                                f"{computed[key]} computed from step 3 and the labels")
        rows.append(measured)
        done = agate(binary, repo, "triage", "stats", "--base", base, "--format", "json", ok=(0, 1, 2))
        if done.returncode == 2:  # a usage error: `triage stats` may not take scan options
            done = agate(binary, repo, "triage", "stats", "--format", "json", ok=(0, 1, 2))
        stats = done.stdout if done.returncode == 0 else None
        if done.returncode == 0:
            (reports / "5-triage-stats.json").write_text(done.stdout)
        else:
            problems.append(f"`agate triage stats --format json` failed (exit {done.returncode}): "
                            f"{done.stderr.strip()}")
    else:
        rows.append(computed)

    print(f"{PROJECT} {OLD[0]} -> {NEW[0]}: {len(false_positives)} false-positive decisions "
          f"written to {triage_file.relative_to(repo)}")
    print(f"{'step':<42}{'open':>6}{'blocking':>10}{'false pos.':>12}{'precision':>11}")
    for row in rows:
        precision = f"{row['precision']:.2f}" if row["precision"] is not None else "-"
        mark = "" if row["ran"] else " *"
        print(f"{row['step'] + mark:<42}{row['open']:>6}{row['blocking']:>10}"
              f"{row['false_positives']:>12}{precision:>11}")
    if not has_triage:
        print("* computed from step 3's report and the labels: this agate has no `triage` "
              "command, so step 5 did not run")
    rules = per_rule(step3, labels)
    print(f"\nper rule, every finding of {NEW[0]} (open at step 3 in brackets):")
    print(f"{'rule':<36}{'findings':>10}{'true pos.':>11}{'false pos.':>12}{'FP rate':>9}")
    for rule, row in sorted(rules.items(), key=lambda kv: (-kv[1]["false_positives"], kv[0])):
        print(f"{rule:<36}{row['findings']:>4} ({row['open_at_step_3']:>2}){row['true_positives']:>11}"
              f"{row['false_positives']:>12}{row['false_positive_rate']:>9.2f}")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({
            "project": PROJECT,
            "old": {"version": OLD[0], "url": OLD[1], "sha256": OLD[2]},
            "new": {"version": NEW[0], "url": NEW[1], "sha256": NEW[2]},
            "triage_command": has_triage, "steps": rows, "per_rule": rules,
            "triage_stats": json.loads(stats) if stats else None, "problems": problems,
        }, indent=2) + "\n")
    if problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
