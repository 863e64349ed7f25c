"""Prints the benchmark table and the ratios: report.py WORK RESULTS."""
import json
import os
import sys

work, results = sys.argv[1], sys.argv[2]
corpus = json.load(open(os.path.join(work, "corpus.json")))
rows = [line.split() for line in open(results) if line.strip()]
print(f"{'run':<24} {'wall s':>7} {'files/s':>9} {'MB/s':>7} {'peak MB':>8} {'findings':>9}")
times = {}
for name, wall, kb, findings in rows:
    language = name.split("/")[1]
    size = corpus[language]
    wall_s = float(wall)
    times[name] = wall_s
    print(f"{name:<24} {wall_s:>7.2f} {size['files'] / wall_s:>9.0f} {size['bytes'] / 1e6 / wall_s:>7.1f} "
          f"{int(kb) / 1024:>8.0f} {findings:>9}")
print()
for language, size in corpus.items():
    print(f"corpus-{language}: {size['files']} files, {size['bytes'] / 1e6:.1f} MB, {size['lines']} lines")
    agate = times[f"agate-10/{language}"]
    print(f"  same ten rules: ast-grep / agate = {times[f'ast-grep-10/{language}'] / agate:.2f}x, "
          f"semgrep / agate = {times[f'semgrep-10/{language}'] / agate:.2f}x; "
          f"semgrep-10 / agate-all = {times[f'semgrep-10/{language}'] / times[f'agate-all/{language}']:.2f}x")
