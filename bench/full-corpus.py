"""Builds the corpora of the full-scan benchmark (issue [8] section 3) under WORK:

- full-python: the machine's Python standard library (every file, without site-packages and
  __pycache__; CPython's `Lib`) in `cpython-lib/`, and Django's source distribution in
  `django/` (`pip download django==DJANGO --no-deps --no-binary :all:`);
- full-npm: the node_modules tree of `npm install` of nine popular packages (exact versions
  below, their dependencies as npm resolves them), copied to `packages/` so that no folder
  is named node_modules.

Prints each corpus's size and writes them to WORK/full-corpus.json. Usage:
full-corpus.py WORK"""
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile

work = sys.argv[1]
DJANGO = "5.2.20"
NPM = ["express@5.3.0", "lodash@4.18.1", "axios@1.21.1", "moment@2.31.0", "react@19.3.1",
       "eslint@10.16.0", "@babel/core@7.29.17", "rxjs@7.8.2", "jquery@4.1.0"]
SOURCE = (".py", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".java")


def size(tree):
    files = source = lines = size = 0
    for directory, _, names in os.walk(tree):
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            data = open(path, "rb").read()
            files, size = files + 1, size + len(data)
            if name.endswith(SOURCE):
                source, lines = source + 1, lines + data.count(b"\n")
    return {"files": files, "bytes": size, "source_files": source, "source_lines": lines}


stats = {}
python = os.path.join(work, "full-python")
if not os.path.isdir(python):
    stdlib = sysconfig.get_paths()["stdlib"]
    shutil.copytree(stdlib, os.path.join(python, "cpython-lib"), symlinks=True,
                    ignore=shutil.ignore_patterns("site-packages", "__pycache__"))
    downloads = os.path.join(work, "downloads")
    os.makedirs(downloads, exist_ok=True)
    archive = os.path.join(downloads, f"django-{DJANGO}.tar.gz")
    if not os.path.isfile(archive):
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", f"django=={DJANGO}",
                        "--no-deps", "--no-binary", ":all:", "-d", downloads], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(downloads, filter="data")
    shutil.copytree(os.path.join(downloads, f"django-{DJANGO}"), os.path.join(python, "django"))
stats["full-python"] = size(python)

npm = os.path.join(work, "full-npm")
if not os.path.isdir(npm):
    install = os.path.join(work, "npm-full")
    if not os.path.isdir(os.path.join(install, "node_modules")):
        os.makedirs(install, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", install,
                        *NPM], check=True)
    shutil.copytree(os.path.join(install, "node_modules"), os.path.join(npm, "packages"), symlinks=True)
stats["full-npm"] = size(npm)

json.dump(stats, open(os.path.join(work, "full-corpus.json"), "w"), indent=2)
for name, s in stats.items():
    print(f"{name}: {s['files']} files, {s['bytes'] / 1e6:.1f} MB; {s['source_files']} source files, "
          f"{s['source_lines']} lines", file=sys.stderr)
