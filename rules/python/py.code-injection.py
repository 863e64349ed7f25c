import os
import sys

from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()
OPERATIONS = {"1 + 1", "2 * 3"}


# Pair 1: directly into eval; the safe twin overwrites the value with a constant.
@app.route("/calc")
def calc():
    expression = request.form["expr"]
    return str(eval(expression))  # expect: py.code-injection


@app.route("/calc-fixed")
def calc_fixed():
    expression = request.form["expr"]
    expression = "0"
    return str(eval(expression))  # ok: py.code-injection


# Pair 2: through an f-string into exec; the safe twin casts to a number.
def set_threshold(request):
    value = request.GET.get("threshold", "1")
    exec(f"THRESHOLD = {value}")  # expect: py.code-injection


def set_threshold_fixed(request):
    value = int(request.GET.get("threshold", "1"))
    exec(f"THRESHOLD = {value}")  # ok: py.code-injection


# Pair 3: through a list; the safe twin reads the item that holds a constant.
@api.post("/rules")
def add_rule(body: str):
    snippets = ["pass", body]
    code = compile(snippets[1], "<rule>", "exec")  # expect: py.code-injection
    return {"ok": bool(code)}


@api.post("/rules-fixed")
def add_rule_fixed(body: str):
    snippets = ["pass", body]
    code = compile(snippets[0], "<rule>", "exec")  # ok: py.code-injection
    return {"ok": bool(code)}


# Pair 4: a command-line argument through a helper of the same file.
def as_expression(text):
    return "(" + text + ")"


def constant_expression(text):
    return "(0)"


def evaluate_argument():
    return eval(as_expression(sys.argv[1]))  # expect: py.code-injection


def evaluate_argument_fixed():
    return eval(constant_expression(sys.argv[1]))  # ok: py.code-injection


# Pair 5: a command-line argument and an allow-list check.
def startup_hook():
    hook = (sys.argv[1:] or ["1 + 1"])[0]
    return eval(hook)  # expect: py.code-injection


def startup_hook_fixed():
    hook = (sys.argv[1:] or ["1 + 1"])[0]
    if hook in OPERATIONS:
        return eval(hook)  # ok: py.code-injection
    return None


# Pair 6: through a field of a class.
class Formula:
    def __init__(self):
        self.source = request.args.get("formula", "0")
        self.default = "0"

    def run(self):
        return eval(self.source)  # expect: py.code-injection

    def run_default(self):
        return eval(self.default)  # ok: py.code-injection


# Pair 7: code read from a file the command line names, compiled and run.
def run_startup_file():
    with open(sys.argv[1]) as handle:
        source = handle.read()
    exec(compile(source, "startup", "exec"), {})  # expect: py.code-injection


def run_startup_file_fixed():
    with open(sys.argv[1]) as handle:
        source = handle.read()
    source = "pass"
    exec(compile(source, "startup", "exec"), {})  # ok: py.code-injection
