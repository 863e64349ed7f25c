import os
import shlex
import subprocess
import sys

from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()
TOOLS = {"gzip", "bzip2", "xz"}


# Pair 1: directly into os.system with concatenation; the safe twin quotes the value.
@app.route("/archive")
def archive():
    name = request.args["name"]
    os.system("tar czf /tmp/backup.tgz " + name)  # expect: py.command-injection
    return "ok"


@app.route("/archive-fixed")
def archive_fixed():
    name = request.args["name"]
    os.system("tar czf /tmp/backup.tgz " + shlex.quote(name))  # ok: py.command-injection
    return "ok"


# Pair 2: shell=True with an f-string; the safe twin overwrites the value with a constant.
def convert(request):
    source = request.POST.get("source")
    subprocess.run(f"convert {source} out.png", shell=True, check=True)  # expect: py.command-injection


def convert_fixed(request):
    source = request.POST.get("source")
    source = "upload.jpg"
    subprocess.run(f"convert {source} out.png", shell=True, check=True)  # ok: py.command-injection


# Pair 3: the program name from a dict slot; the safe twin reads the slot holding a constant.
@api.post("/compress")
def compress(tool: str, path: str):
    choices = {"chosen": tool, "default": "gzip"}
    subprocess.run([choices["chosen"], "-k", path], check=True)  # expect: py.command-injection


@api.post("/compress-fixed")
def compress_fixed(tool: str, path: str):
    choices = {"chosen": tool, "default": "gzip"}
    subprocess.run([choices["default"], "-k", path], check=True)  # ok: py.command-injection


# Pair 4: a command-line argument through a helper of the same file.
def with_prefix(value):
    return "ping -c 1 " + value


def fixed_target(value):
    return "ping -c 1 127.0.0.1"


def ping_from_cli():
    output = os.popen(with_prefix(sys.argv[1])).read()  # expect: py.command-injection
    return output


def ping_from_cli_fixed():
    output = os.popen(fixed_target(sys.argv[1])).read()  # ok: py.command-injection
    return output


# Pair 5: a command-line argument and an allow-list check.
def run_packer():
    packer = sys.argv[2] if len(sys.argv) > 2 else "gzip"
    subprocess.check_output(packer + " -9 data.bin", shell=True)  # expect: py.command-injection


def run_packer_fixed():
    packer = sys.argv[2] if len(sys.argv) > 2 else "gzip"
    if packer not in TOOLS:
        raise ValueError("unknown packer")
    subprocess.check_output(packer + " -9 data.bin", shell=True)  # ok: py.command-injection


# Pair 6: across a branch whose condition is a constant expression.
@app.route("/lookup")
def lookup():
    host = request.args.get("host", "")
    retries = 3
    if retries * 2 > 4:
        target = host
    else:
        target = "localhost"
    return subprocess.getoutput("nslookup " + target)  # expect: py.command-injection


@app.route("/lookup-fixed")
def lookup_fixed():
    host = request.args.get("host", "")
    retries = 3
    if retries * 2 > 40:
        target = host
    else:
        target = "localhost"
    return subprocess.getoutput("nslookup " + target)  # ok: py.command-injection
