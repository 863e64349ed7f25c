import os

from flask import request, send_file, send_from_directory

BASE = "/srv/uploads"


def download():
    path = os.path.join(BASE, request.args["name"])  # expect: py.path-traversal
    with open(request.args.get("file")) as handle:  # expect: py.path-traversal
        handle.read()
    send_file(BASE + "/" + request.args["name"])  # expect: py.path-traversal
    report = request.args.get("report")
    send_file(os.path.join(BASE, "reports", report))  # expect: py.path-traversal
    fixed = "summary.pdf"
    send_file(os.path.join(BASE, "reports", fixed))  # ok: py.path-traversal
    safe = send_from_directory(BASE, request.args["name"])  # ok: py.path-traversal
    with open(os.path.join(BASE, "index.txt")) as index:  # ok: py.path-traversal
        return safe, index.read(), path
