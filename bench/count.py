"""Prints the number of findings in a tool's output: count.py agate|ast-grep|semgrep FILE."""
import json
import sys

kind, path = sys.argv[1], sys.argv[2]
try:
    if kind == "agate":
        print(len(json.load(open(path))["findings"]))
    elif kind == "ast-grep":
        print(sum(1 for line in open(path) if line.strip()))
    else:
        print(len(json.load(open(path))["results"]))
except (OSError, ValueError, KeyError):
    print("error")
