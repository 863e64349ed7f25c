#!/usr/bin/env python3
"""Detection on labelled public code: agate beside Semgrep's community rules and Bandit.

Reproduces the figures of docs/accuracy.md ("Detection on labelled public code"). Python 3
standard library only. It

1. fetches the corpora at pinned commits (git, checked against the pinned commit id) unless a
   copy is given with `--corpus NAME=DIR`: the NIST Juliet Test Suite for Java (GitHub copy
   find-sec-bugs/juliet-test-suite), SVEN's real-world fix pairs for Python (eth-sri/sven,
   data_train_val only), njsscan's JavaScript test files, and semgrep-rules (whose annotated
   test files are a Python and a JavaScript corpus, and whose rule folders are Semgrep's
   community rules);
2. installs the pinned Semgrep and Bandit from PyPI into a venv under `--work`;
3. extracts labelled cases (Juliet: a test case's `bad` side and each of its `good*` variants;
   SVEN: a function before (vulnerable) and after (safe) its fixing commit; semgrep-rules and
   njsscan: a line annotated `ruleid`/`todoruleid` (vulnerable) or `ok`/`todook` (safe), and
   each block of njsscan's true-negative files (safe)), runs every tool on the same files,
   maps each finding to a category by its CWE (Bandit: by test id), and scores per (language,
   corpus, category): TPR = flagged vulnerable / vulnerable, FPR = flagged safe / safe,
   score = TPR - FPR;
4. prints a markdown table and writes every case's verdicts to `--work`/results.json.

Usage:
  python3 bench/accuracy/run.py --agate target/release/agate [--work bench/.work/accuracy]
      [--agate-rules NAME=DIR[,DIR...]] [--corpus juliet|sven|njsscan|semgrep-rules=DIR]
      [--max-cases 150] [--tools agate,semgrep,bandit]
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

# --- pins -----------------------------------------------------------------------------------

CORPORA = {
    "juliet": {
        "url": "https://github.com/find-sec-bugs/juliet-test-suite.git",
        "commit": "b2c6df3733e2176fe7097e4784895c6891632b4c",
        "paths": ["src/testcases"],
    },
    "semgrep-rules": {
        "url": "https://github.com/semgrep/semgrep-rules.git",
        "commit": "157ae4706d7f54aa33647332f234dd68f30da195",
        "paths": ["java", "python", "javascript"],
    },
    "njsscan": {
        "url": "https://github.com/ajinabraham/njsscan.git",
        "commit": "b6ade853818a0c2a4fde36a1c5740b663e758ad2",
        "paths": ["njsscan/rules", "tests/assets/node_source"],
    },
    # Only data_train_val (functions before/after real vulnerability-fixing commits); the
    # repository's data_eval scenarios are never fetched or read.
    "sven": {
        "url": "https://github.com/eth-sri/sven.git",
        "commit": "e8449a0d54a5ae0bbdc6bb236330b8c7ec71df57",
        "paths": ["data_train_val"],
    },
}
SEMGREP_VERSION = "1.99.0"
BANDIT_VERSION = "1.8.0"

# Deterministic sample of Juliet test cases: the `--max-cases` cases of a category whose
# SHA-256(SAMPLE_SALT + case id) sort first.
SAMPLE_SALT = "agate-accuracy-1:"

# --- categories -----------------------------------------------------------------------------

CWE_CATEGORY = {
    89: "sql",
    77: "command", 78: "command",
    94: "code", 95: "code", 470: "code", 917: "code",
    90: "ldap",
    643: "xpath",
    113: "header",
    117: "log",
    22: "path", 23: "path", 36: "path", 73: "path",
    918: "ssrf",
    601: "redirect",
    79: "xss", 80: "xss", 81: "xss", 83: "xss",
    502: "deserialization",
    611: "xxe", 776: "xxe",
    501: "trust-boundary",
    614: "cookie", 1004: "cookie",
    330: "weak-random", 338: "weak-random",
    326: "weak-crypto", 327: "weak-crypto", 328: "weak-crypto", 916: "weak-crypto",
}
CATEGORIES = sorted(set(CWE_CATEGORY.values()))

# Bandit test ids -> category (Bandit's own CWE ids are coarse: eval is CWE-78 there).
BANDIT_CATEGORY = {
    "B102": "code", "B307": "code",
    "B301": "deserialization", "B302": "deserialization", "B403": "deserialization",
    "B506": "deserialization",
    "B303": "weak-crypto", "B304": "weak-crypto", "B305": "weak-crypto", "B324": "weak-crypto",
    "B413": "weak-crypto",
    "B311": "weak-random",
    "B310": "ssrf",
    "B313": "xxe", "B314": "xxe", "B315": "xxe", "B316": "xxe", "B317": "xxe", "B318": "xxe",
    "B319": "xxe", "B320": "xxe", "B405": "xxe", "B406": "xxe", "B407": "xxe", "B408": "xxe",
    "B409": "xxe", "B410": "xxe",
    "B601": "command", "B602": "command", "B603": "command", "B604": "command",
    "B605": "command", "B606": "command", "B607": "command", "B609": "command",
    "B608": "sql", "B610": "sql", "B611": "sql",
    "B701": "xss", "B702": "xss", "B703": "xss", "B704": "xss",
}

# Juliet CWE folders measured (the categories agate covers); others are not extracted.
JULIET_CWES = {89, 78, 90, 643, 113, 117, 23, 36, 601, 80, 81, 83, 327, 328, 338, 614, 470,
               501, 502}

CWE_RE = re.compile(r"CWE-(\d+)", re.I)


def categories_of_cwes(cwes):
    out = set()
    for c in cwes:
        for m in CWE_RE.finditer(str(c)):
            cat = CWE_CATEGORY.get(int(m.group(1)))
            if cat:
                out.add(cat)
    return out


# --- helpers --------------------------------------------------------------------------------


def log(msg):
    print(f"[accuracy] {msg}", file=sys.stderr, flush=True)


def run(cmd, cwd=None, ok_codes=(0,), out_file=None):
    log(f"$ {' '.join(str(c) for c in cmd)}" + (f"  (in {cwd})" if cwd else ""))
    start = time.time()
    if out_file is not None:
        with open(out_file, "wb") as fh:
            proc = subprocess.run(cmd, cwd=cwd, stdout=fh, stderr=subprocess.PIPE)
    else:
        proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode not in ok_codes:
        sys.stderr.write(proc.stderr.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"command failed with exit code {proc.returncode}: {cmd[0]}")
    log(f"  took {time.time() - start:.1f}s")
    return proc


def fetch_corpus(name, work):
    pin = CORPORA[name]
    dest = work / "src" / name
    if (dest / ".git").is_dir():
        head = run(["git", "rev-parse", "HEAD"], cwd=dest).stdout.decode().strip()
        if head == pin["commit"]:
            return dest
        shutil.rmtree(dest)
    dest.mkdir(parents=True, exist_ok=True)
    run(["git", "init", "-q"], cwd=dest)
    run(["git", "fetch", "-q", "--depth", "1", "--filter=blob:none", pin["url"], pin["commit"]],
        cwd=dest)
    run(["git", "checkout", "-q", "FETCH_HEAD", "--"] + pin["paths"], cwd=dest)
    run(["git", "update-ref", "HEAD", "FETCH_HEAD"], cwd=dest)
    head = run(["git", "rev-parse", "HEAD"], cwd=dest).stdout.decode().strip()
    if head != pin["commit"]:
        raise SystemExit(f"`{name}` is at `{head}`, not the pinned `{pin['commit']}`")
    return dest


def ensure_venv(work):
    venv = work / "venv"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    want = {"semgrep": SEMGREP_VERSION, "bandit": BANDIT_VERSION}
    stamp = venv / "pins.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == want:
        return bindir
    run([sys.executable, "-m", "venv", str(venv)])
    run([str(bindir / "python"), "-m", "pip", "install", "-q",
         f"semgrep=={SEMGREP_VERSION}", f"bandit=={BANDIT_VERSION}"])
    stamp.write_text(json.dumps(want))
    return bindir


def copy_file(src, dst):
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


def reset_dir(d):
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    # An empty .semgrepignore turns off Semgrep's default ignores (tests/, build/, …).
    (d / ".semgrepignore").write_text("")


# --- Juliet (Java) --------------------------------------------------------------------------

JULIET_FILE_RE = re.compile(
    r"^(CWE(\d+)_\w*?__\w+?_(\d\d))([a-e]|_bad|_base|_good\w*)?\.java$")
JAVA_METHOD_RE = re.compile(
    r"^    (?:(?:public|private|protected|static|final|synchronized) )+[\w<>\[\], ]+?\s(\w+)\s*\(")


def juliet_side(method, file_suffix):
    """`bad`, a good variant name, or None (dispatchers, main, unnamed helpers)."""
    name = method
    if not (name.startswith("bad") or name.startswith("good")):
        if file_suffix in ("_bad",) or (file_suffix or "").startswith("_good"):
            name = file_suffix[1:]
        else:
            return None
    if name.startswith("bad"):
        return "bad"
    variant = name
    while True:
        stripped = re.sub(r"(Source|Sink|_source|_sink|Helper)$", "", variant)
        if stripped == variant:
            break
        variant = stripped
    if variant == "good":
        return None
    return variant


def java_methods(text):
    """[(name, first line, last line)] of the class-level methods (Juliet's 4-space layout)."""
    lines = text.split("\n")
    heads = []
    for i, line in enumerate(lines, 1):
        m = JAVA_METHOD_RE.match(line)
        if m and "=" not in line.split("(")[0] and not line.rstrip().endswith(";"):
            heads.append((m.group(1), i))
    out = []
    for k, (name, start) in enumerate(heads):
        end = heads[k + 1][1] - 1 if k + 1 < len(heads) else len(lines)
        out.append((name, start, end))
    return out


def extract_juliet(src, dest, max_cases):
    root = src / "src" / "testcases"
    cases = defaultdict(list)  # case id -> [path]
    for path in sorted(root.rglob("*.java")):
        m = JULIET_FILE_RE.match(path.name)
        if not m or int(m.group(2)) not in JULIET_CWES:
            continue
        cases[m.group(1)].append(path)
    by_cwe = defaultdict(list)
    for cid in cases:
        by_cwe[int(JULIET_FILE_RE.match(cases[cid][0].name).group(2))].append(cid)
    reset_dir(dest)
    units = []  # dicts: id, lang, corpus, category, vulnerable, file ranges
    sampled_total = 0
    for cwe in sorted(by_cwe):
        ids = sorted(by_cwe[cwe],
                     key=lambda c: hashlib.sha256((SAMPLE_SALT + c).encode()).hexdigest())
        chosen = sorted(ids[:max_cases]) if max_cases else sorted(ids)
        sampled_total += len(chosen)
        log(f"juliet CWE-{cwe}: {len(chosen)} of {len(ids)} test cases")
        category = CWE_CATEGORY[cwe]
        for cid in chosen:
            sides = defaultdict(list)  # side -> [(relpath, start, end)]
            for path in cases[cid]:
                rel = path.relative_to(root).as_posix()
                copy_file(path, dest / rel)
                suffix = JULIET_FILE_RE.match(path.name).group(4)
                text = path.read_text(encoding="utf-8", errors="replace")
                for name, start, end in java_methods(text):
                    side = juliet_side(name, suffix)
                    if side:
                        sides[side].append((rel, start, end))
            one_file = len(cases[cid]) == 1
            for side, ranges in sorted(sides.items()):
                units.append({
                    "id": f"{cid}:{side}", "lang": "java", "corpus": "juliet",
                    "category": category, "vulnerable": side == "bad", "ranges": ranges,
                    "view": "juliet, one-file cases" if one_file else None,
                })
    log(f"juliet: {sampled_total} test cases, {len(units)} labelled units")
    return units


# --- semgrep-rules annotated tests (Python, JavaScript) -------------------------------------

ANNOT_RE = re.compile(r"(?:#|//)\s*(ruleid|todoruleid|ok|todook)\s*:\s*([\w.,\- ]+)")
RULE_ID_RE = re.compile(r"^\s*-\s*id:\s*['\"]?([\w.\-]+)", re.M)
LANG_EXTS = {
    "python": (".py",),
    "javascript": (".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx"),
}


def rule_cwes(yaml_text):
    """rule id -> set of categories, from each rule block's `cwe` metadata."""
    out = {}
    starts = [(m.start(), m.group(1)) for m in RULE_ID_RE.finditer(yaml_text)]
    for k, (pos, rid) in enumerate(starts):
        block = yaml_text[pos:starts[k + 1][0] if k + 1 < len(starts) else len(yaml_text)]
        out[rid] = categories_of_cwes([block])
    return out


def indent_of(line):
    return len(line) - len(line.lstrip())


def case_window(lines, idx, annotated):
    """Lines (1-based, inclusive) a case covers: from its line up to (not including) the next
    blank line, annotation, definition or line indented less than it (the end of its block)."""
    base = indent_of(lines[idx])
    end = idx
    for j in range(idx + 1, min(len(lines), idx + 40)):
        s = lines[j]
        if not s.strip():
            break
        if j in annotated or indent_of(s) < base or (indent_of(s) == base and
                                                     s.lstrip().startswith(("def ", "function ",
                                                                            "class ", "@"))):
            break
        end = j
    return idx + 1, end + 1


def annotated_units(lines, cats, rel, lang, corpus):
    """Units of one annotated test file: each code line under `ruleid`/`todoruleid` (vulnerable)
    or `ok`/`todook` (safe) annotations, per category of the annotated rules (`cats`)."""
    pending = []  # annotations waiting for their code line
    labelled = defaultdict(lambda: defaultdict(set))  # line idx -> category -> {kinds}
    annotated = set()
    for i, line in enumerate(lines):
        m = ANNOT_RE.search(line)
        code_before = line[:m.start()].strip() if m else line.strip()
        if m:
            annotated.add(i)
            ids = [x for x in re.split(r"[,\s]+", m.group(2)) if x]
            pending.append((m.group(1), ids))
            if not code_before:
                continue
        if not code_before or code_before.startswith(("#", "//", "/*", "*")):
            continue
        for kind, ids in pending:
            for rid in ids:
                for cat in cats.get(rid, ()):
                    labelled[i][cat].add(kind)
        pending = []
    stops = annotated | set(labelled)
    units = []
    for i in sorted(labelled):
        for cat, kinds in sorted(labelled[i].items()):
            vuln = bool(kinds & {"ruleid", "todoruleid"})
            safe = bool(kinds & {"ok", "todook"})
            if vuln == safe:
                continue  # contradictory labels for one category: not a case
            first, last = case_window(lines, i, stops - {i})
            units.append({
                "id": f"{rel}:{i + 1}:{cat}", "lang": lang, "corpus": corpus,
                "category": cat, "vulnerable": vuln, "ranges": [(rel, first, last)],
            })
    return units


def extract_semgrep_tests(src, lang, dest, corpus):
    base = src / lang
    reset_dir(dest)
    units = []
    exts = LANG_EXTS[lang]
    for yml in sorted(list(base.rglob("*.yaml")) + list(base.rglob("*.yml"))):
        cats = rule_cwes(yml.read_text(encoding="utf-8", errors="replace"))
        if not any(cats.values()):
            continue
        for ext in exts:
            target = yml.with_suffix(ext)
            if target.is_file():
                break
        else:
            continue
        rel = target.relative_to(base).as_posix()
        lines = target.read_text(encoding="utf-8", errors="replace").split("\n")
        found = annotated_units(lines, cats, rel, lang, corpus)
        if found:
            copy_file(target, dest / rel)
            units += found
    log(f"semgrep-rules {lang}: {len(units)} labelled lines")
    return units


# --- njsscan's test files (JavaScript) ------------------------------------------------------

# njsscan's safe examples are whole files without annotations; each block of code in them
# (see code_blocks) is a safe case of the category of the vulnerable examples the file answers
# (the CWE of njsscan's rule for them).
NJSSCAN_SAFE = {
    "safe_sql.js": "sql", "safe_sql_knex.js": "sql",
    "safe_shelljs.js": "command", "hardcoded_os_command.js": "command",
    "safe_vm.js": "code", "safe_vm2.js": "code", "safe_sandbox.js": "code",
    "hardcoded_evals.js": "code", "safe_template_rendering.js": "code",
    "safe_serialize.js": "deserialization", "safe_grpc.js": "deserialization",
    "safe_yaml_load.js": "deserialization",
    "safe_traversal.js": "path", "safe_path_join_resolve.js": "path",
    "safe_archive_extract.js": "path", "express_hbs_safe.js": "path",
    "safe_redirect.js": "redirect",
    "safe_phantomjs.js": "ssrf", "safe_playwright.js": "ssrf", "safe_puppeteer.js": "ssrf",
    "safe_wkhtmltoimage.js": "ssrf", "safe_wkhtmltopdf.js": "ssrf",
    "http_client_node.js": "ssrf",
    "safe_xpath.js": "xpath",
    "safe_expat.js": "xxe", "safe_sax.js": "xxe", "safe_xml2json.js": "xxe",
    "safe_xml_parsing.js": "xxe", "safe_xml_expansion.js": "xxe",
    "safe_xss_dom.js": "xss", "safe_html_node.js": "xss", "safe_seralize_js.js": "xss",
    "safe_templates.js": "xss",
    "safe_crypto.js": "weak-crypto",
    "safe_header_cookie.js": "cookie",
}


IMPORT_RE = re.compile(r"^\s*((const|let|var)\s+[\w{}\s,:]+=\s*require\(|import\s|\w+\.use\()")


def code_blocks(lines):
    """(first, last) 1-based line ranges of the blank-line-separated blocks that call something
    and are not only imports, middleware or comments."""
    out, start = [], None
    for i, line in enumerate(lines + [""]):
        if line.strip():
            if start is None:
                start = i
            continue
        if start is None:
            continue
        block = [x for x in lines[start:i]
                 if x.strip() and not x.strip().startswith(("//", "/*", "*"))]
        if any("(" in x for x in block) and not all(IMPORT_RE.match(x) for x in block):
            out.append((start + 1, i))
        start = None
    return out


def extract_njsscan(src, dest):
    """Vulnerable: lines annotated `ruleid` in njsscan's true-positive files (category from the
    CWE of the named rule); safe: each code block of the true-negative files in NJSSCAN_SAFE."""
    reset_dir(dest)
    cats = {}
    for yml in sorted((src / "njsscan" / "rules").rglob("*.yaml")):
        cats.update(rule_cwes(yml.read_text(encoding="utf-8", errors="replace")))
    base = src / "tests" / "assets" / "node_source"
    units = []
    for path in sorted((base / "true_positives").rglob("*.js")):
        rel = path.relative_to(base).as_posix()
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        found = annotated_units(lines, cats, rel, "javascript", "njsscan")
        if found:
            copy_file(path, dest / rel)
            units += found
    for name, category in sorted(NJSSCAN_SAFE.items()):
        path = base / "true_negatives" / name
        rel = path.relative_to(base).as_posix()
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        copy_file(path, dest / rel)
        for first, last in code_blocks(lines):
            units.append({"id": f"{rel}:{first}", "lang": "javascript", "corpus": "njsscan",
                          "category": category, "vulnerable": False,
                          "ranges": [(rel, first, last)]})
    log(f"njsscan: {len(units)} labelled lines and blocks")
    return units


# --- SVEN's real-world fix pairs (Python) ----------------------------------------------------

SVEN_CWES = {"cwe-022": "path", "cwe-078": "command", "cwe-079": "xss", "cwe-089": "sql"}


def extract_sven(src, dest):
    """Each Python pair: the function before a vulnerability-fixing commit (vulnerable) and
    after it (safe), each written to its own file; a unit is the whole function."""
    reset_dir(dest)
    units = []
    for split in ("train", "val"):
        for cwe, category in sorted(SVEN_CWES.items()):
            path = src / "data_train_val" / split / f"{cwe}.jsonl"
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
                rec = json.loads(line)
                if not rec.get("file_name", "").endswith(".py"):
                    continue
                for side, key in (("before", "func_src_before"), ("after", "func_src_after")):
                    rel = f"{cwe}/{split}_{n:03d}_{side}.py"
                    out = dest / rel
                    out.parent.mkdir(parents=True, exist_ok=True)
                    text = rec[key]
                    out.write_text(text, encoding="utf-8")
                    units.append({
                        "id": rel, "lang": "python", "corpus": "sven", "category": category,
                        "vulnerable": side == "before",
                        "ranges": [(rel, 1, text.count("\n") + 1)],
                    })
    log(f"sven: {len(units)} functions")
    return units


# --- tools ----------------------------------------------------------------------------------


def norm(p):
    p = p.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p


def agate_findings(agate, scan_dir, out, rule_dirs):
    cmd = [agate, "scan", ".", "--format", "json", "--only", "sast", "--no-ignore"]
    if rule_dirs:
        cmd.append("--no-bundled-rules")
        for d in rule_dirs:
            cmd += ["--rules", str(Path(d).resolve())]
    run(cmd, cwd=scan_dir, out_file=out)
    data = json.loads(out.read_text())
    found = []
    for f in data.get("findings", []):
        cats = categories_of_cwes(f.get("cwe") or [])
        loc = f["location"]
        found.append((norm(loc["path"]), loc["start"]["line"], loc.get("end", loc["start"])["line"],
                      cats, f["rule_id"]))
    return found


def semgrep_config(src, lang, work):
    """Semgrep's community rules for a language: the rule files of semgrep-rules/<lang>."""
    dest = work / "semgrep-config" / lang
    if dest.exists():
        shutil.rmtree(dest)
    base = src / lang
    n = 0
    for yml in sorted(list(base.rglob("*.yaml")) + list(base.rglob("*.yml"))):
        text = yml.read_text(encoding="utf-8", errors="replace")
        if not re.search(r"^rules:", text, re.M):
            continue
        copy_file(yml, dest / yml.relative_to(base))
        n += 1
    log(f"semgrep community rules for {lang}: {n} files")
    return dest


def semgrep_findings(bindir, config, scan_dir, out):
    cmd = [str(bindir / "semgrep"), "scan", "--config", str(config.resolve()), "--json",
           "--metrics=off", "--disable-version-check", "--no-git-ignore", "-j", "2",
           "--timeout", "10", "--quiet", "."]
    run(cmd, cwd=scan_dir, out_file=out, ok_codes=(0, 1))
    data = json.loads(out.read_text())
    found = []
    for r in data.get("results", []):
        meta = r.get("extra", {}).get("metadata", {})
        cwes = meta.get("cwe") or []
        if isinstance(cwes, str):
            cwes = [cwes]
        found.append((norm(r["path"]), r["start"]["line"], r["end"]["line"],
                      categories_of_cwes(cwes), r.get("check_id", "").rsplit(".", 1)[-1]))
    errs = data.get("errors", [])
    if errs:
        log(f"  semgrep reported {len(errs)} errors (first: "
            f"{str(errs[0].get('message', errs[0]))[:200]})")
    return found


def bandit_findings(bindir, scan_dir, out):
    cmd = [str(bindir / "bandit"), "-r", ".", "-f", "json", "-q", "-o", str(out.resolve())]
    run(cmd, cwd=scan_dir, ok_codes=(0, 1))
    data = json.loads(out.read_text())
    found = []
    for r in data.get("results", []):
        cat = BANDIT_CATEGORY.get(r["test_id"])
        rng = r.get("line_range") or [r["line_number"]]
        found.append((norm(r["filename"]), r["line_number"], max(rng),
                      {cat} if cat else set(), r["test_id"]))
    return found


# --- scoring --------------------------------------------------------------------------------


def flagged(unit, index):
    for rel, first, last in unit["ranges"]:
        for line, _end, cats, rid in index.get(rel, ()):
            if first <= line <= last and unit["category"] in cats:
                return rid
    return None


def score(units, findings_by_tool):
    """{(lang, corpus, category): {tool: [tp, vulnerable, fp, safe]}} and per-unit verdicts."""
    table = defaultdict(lambda: defaultdict(lambda: [0, 0, 0, 0]))
    verdicts = []
    for tool, by_scan in findings_by_tool.items():
        for scan, found in by_scan.items():
            index = defaultdict(list)
            for path, line, end, cats, rid in found:
                index[path].append((line, end, cats, rid))
            for u in units:
                if u["corpus"] != scan:
                    continue
                hit = flagged(u, index)
                # A view is a subset of a corpus scored on its own as well (Juliet's test
                # cases that fit in one file: flows a single-file analysis can follow).
                for group in filter(None, (u["corpus"], u.get("view"))):
                    cell = table[(u["lang"], group, u["category"])][tool]
                    if u["vulnerable"]:
                        cell[1] += 1
                        cell[0] += bool(hit)
                    else:
                        cell[3] += 1
                        cell[2] += bool(hit)
                verdicts.append({"tool": tool, "unit": u["id"], "lang": u["lang"],
                                 "corpus": scan, "category": u["category"],
                                 "vulnerable": u["vulnerable"], "flagged_by": hit,
                                 "ranges": u["ranges"]})
    return table, verdicts


def pct(a, b):
    return 100.0 * a / b if b else 0.0


MIN_CASES = 5  # a category with fewer vulnerable or safe cases is shown but not averaged


def markdown(table, tools):
    lines = ["| language | corpus | category | vuln / safe | " + " | ".join(
        f"{t} TPR / FPR / **score**" for t in tools) + " |",
        "|" + "---|" * (4 + len(tools))]
    for group in sorted({k[:2] for k in table}):
        macro = defaultdict(list)
        for key in sorted(k for k in table if k[:2] == group):
            cells = table[key]
            any_cell = next(iter(cells.values()))
            nv, ns = any_cell[1], any_cell[3]
            if not nv or not ns:
                continue  # a category needs vulnerable and safe cases to be scored
            small = nv < MIN_CASES or ns < MIN_CASES
            row = f"| {group[0]} | {group[1]} | {key[2]}{' †' if small else ''} | {nv} / {ns} |"
            for t in tools:
                if t not in cells:
                    row += " – |"
                    continue
                tp, _, fp, _ = cells[t]
                tpr, fpr = pct(tp, nv), pct(fp, ns)
                if not small:
                    macro[t].append((tpr, fpr))
                row += f" {tpr:.0f} / {fpr:.0f} / **{tpr - fpr:+.0f}** |"
            lines.append(row)
        row = f"| {group[0]} | {group[1]} | *mean of categories* | |"
        for t in tools:
            vals = macro.get(t)
            if not vals:
                row += " – |"
                continue
            tpr = sum(v[0] for v in vals) / len(vals)
            fpr = sum(v[1] for v in vals) / len(vals)
            row += f" {tpr:.0f} / {fpr:.0f} / **{tpr - fpr:+.0f}** |"
        lines.append(row)
    lines.append("")
    lines.append(f"† fewer than {MIN_CASES} vulnerable or safe cases: not in the mean.")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", default="bench/.work/accuracy", type=Path,
                    help="scratch folder (corpora, venv, raw tool output)")
    ap.add_argument("--agate", help="the agate binary to measure")
    ap.add_argument("--agate-rules", action="append", default=[], metavar="NAME=DIR[,DIR]",
                    help="also measure agate with only these rule folders (--no-bundled-rules)")
    ap.add_argument("--skip-bundled", action="store_true",
                    help="measure only the --agate-rules sets, not agate's bundled rules")
    ap.add_argument("--corpus", action="append", default=[], metavar="NAME=DIR",
                    help="use a copy of a pinned corpus instead of fetching it "
                         f"({', '.join(CORPORA)})")
    ap.add_argument("--max-cases", type=int, default=150,
                    help="Juliet test cases per CWE, sampled deterministically (0: all)")
    ap.add_argument("--tools", default="agate,semgrep,bandit")
    ap.add_argument("--languages", default="java,python,javascript")
    args = ap.parse_args()

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    langs = [x.strip() for x in args.languages.split(",") if x.strip()]
    if args.skip_bundled and not args.agate_rules:
        raise SystemExit("`--skip-bundled` leaves nothing to measure without `--agate-rules`")
    if "agate" in tools and not args.agate:
        raise SystemExit("`--agate PATH` is needed to measure agate (or leave it out of --tools)")
    given = {}
    for spec in args.corpus:
        name, _, d = spec.partition("=")
        if name not in CORPORA or not d:
            raise SystemExit(f"`--corpus {spec}`: expected NAME=DIR with NAME in "
                             f"{', '.join(CORPORA)}")
        given[name] = Path(d).resolve()
    for name, d in given.items():
        if (d / ".git").exists():
            head = run(["git", "rev-parse", "HEAD"], cwd=d).stdout.decode().strip()
            if head != CORPORA[name]["commit"]:
                raise SystemExit(f"`--corpus {name}`: `{d}` is at `{head}`, not the pinned "
                                 f"`{CORPORA[name]['commit']}`; check that commit out")
        else:
            log(f"`--corpus {name}`: `{d}` is not a git checkout; taken to be the pinned "
                f"commit `{CORPORA[name]['commit']}` unchecked")
    src = {name: given.get(name) or fetch_corpus(name, work) for name in CORPORA}

    scans, units = {}, []  # corpus name -> (language, folder)
    if "java" in langs:
        scans["juliet"] = ("java", work / "corpus" / "juliet")
        units += extract_juliet(src["juliet"], scans["juliet"][1], args.max_cases)
    if "python" in langs:
        scans["sven"] = ("python", work / "corpus" / "sven")
        units += extract_sven(src["sven"], scans["sven"][1])
    if "javascript" in langs:
        scans["njsscan"] = ("javascript", work / "corpus" / "njsscan")
        units += extract_njsscan(src["njsscan"], scans["njsscan"][1])
    for lang in ("python", "javascript"):
        if lang in langs:
            name = f"semgrep-rules-{lang}"
            scans[name] = (lang, work / "corpus" / name)
            units += extract_semgrep_tests(src["semgrep-rules"], lang, scans[name][1], name)

    raw = work / "raw"
    raw.mkdir(exist_ok=True)
    findings = {}
    timing = {}
    if "agate" in tools:
        variants = [] if args.skip_bundled else [("agate", [])]
        for spec in args.agate_rules:
            name, _, dirs = spec.partition("=")
            variants.append((name, [d for d in dirs.split(",") if d]))
        for name, dirs in variants:
            findings[name] = {}
            for scan, (lang, d) in scans.items():
                t0 = time.time()
                findings[name][scan] = agate_findings(
                    args.agate, d, raw / f"{name}-{scan}.json", dirs)
                timing[(name, scan)] = time.time() - t0
    if "semgrep" in tools or "bandit" in tools:
        bindir = ensure_venv(work)
    if "semgrep" in tools:
        findings["semgrep"] = {}
        configs = {}
        for scan, (lang, d) in scans.items():
            if lang not in configs:
                configs[lang] = semgrep_config(src["semgrep-rules"], lang, work)
            t0 = time.time()
            findings["semgrep"][scan] = semgrep_findings(
                bindir, configs[lang], d, raw / f"semgrep-{scan}.json")
            timing[("semgrep", scan)] = time.time() - t0
    if "bandit" in tools:
        findings["bandit"] = {}
        for scan, (lang, d) in scans.items():
            if lang != "python":
                continue
            t0 = time.time()
            findings["bandit"][scan] = bandit_findings(bindir, d, raw / f"bandit-{scan}.json")
            timing[("bandit", scan)] = time.time() - t0

    table, verdicts = score(units, findings)
    (work / "results.json").write_text(json.dumps({
        "pins": {"corpora": CORPORA, "semgrep": SEMGREP_VERSION, "bandit": BANDIT_VERSION,
                 "max_cases": args.max_cases, "sample_salt": SAMPLE_SALT},
        "table": {"/".join(k): v for k, v in table.items()},
        "verdicts": verdicts,
        "seconds": {f"{k[0]}/{k[1]}": round(v, 1) for k, v in timing.items()},
    }, indent=1))
    print(markdown(table, list(findings)))
    print()
    print("Run time (s): " + ", ".join(f"{k[0]} {k[1]} {v:.0f}" for k, v in timing.items()))


if __name__ == "__main__":
    main()
