"""Builds the benchmark corpora under WORK: corpus-python (the machine's Python standard
library, without site-packages) and corpus-javascript (the non-minified .js of a node_modules
tree from `npm install express lodash axios moment`), and records their size."""
import json
import os
import shutil
import subprocess
import sys
import sysconfig

work = sys.argv[1]


def copy_tree(source, target, extension, skip_dirs):
    if os.path.isdir(target):
        shutil.rmtree(target)
    files = size = lines = 0
    for directory, subdirs, names in os.walk(source):
        subdirs[:] = sorted(d for d in subdirs if d not in skip_dirs)
        for name in sorted(names):
            if not name.endswith(extension) or name.endswith(".min.js"):
                continue
            src = os.path.join(directory, name)
            dst = os.path.join(target, os.path.relpath(src, source))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
            data = open(src, "rb").read()
            files, size, lines = files + 1, size + len(data), lines + data.count(b"\n")
    # Semgrep skips tests/ and other folders unless the target has its own ignore file.
    open(os.path.join(target, ".semgrepignore"), "w").close()
    return {"files": files, "bytes": size, "lines": lines}


stats = {}
stdlib = sysconfig.get_paths()["stdlib"]
stats["python"] = copy_tree(stdlib, os.path.join(work, "corpus-python"), ".py", {"site-packages", "__pycache__"})

npm_dir = os.path.join(work, "npm")
if not os.path.isdir(os.path.join(npm_dir, "node_modules")):
    os.makedirs(npm_dir, exist_ok=True)
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", npm_dir,
                    "express", "lodash", "axios", "moment"], check=True)
stats["javascript"] = copy_tree(os.path.join(npm_dir, "node_modules"), os.path.join(work, "corpus-javascript"), ".js", set())

json.dump(stats, open(os.path.join(work, "corpus.json"), "w"), indent=2)
for language, s in stats.items():
    print(f"corpus-{language}: {s['files']} files, {s['bytes'] / 1e6:.1f} MB, {s['lines']} lines", file=sys.stderr)
