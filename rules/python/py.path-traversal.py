import io
import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from flask import Flask, abort, request, send_file
from werkzeug.utils import secure_filename

app = Flask(__name__)
api = FastAPI()
BASE = "/srv/uploads"
REPORTS = Path("/srv/reports")


# Pair 1: joined to a base and opened; the safe twin normalises, then checks the prefix.
@app.route("/download")
def download():
    path = os.path.join(BASE, request.args["name"])
    with open(path, "rb") as handle:  # expect: py.path-traversal
        return handle.read()


@app.route("/download-fixed")
def download_fixed():
    path = os.path.realpath(os.path.join(BASE, request.args["name"]))
    if not path.startswith(BASE + os.sep):
        abort(404)
    with open(path, "rb") as handle:  # ok: py.path-traversal
        return handle.read()


# Pair 2: a route parameter into send_file; the safe twin keeps only the base name.
@app.route("/avatars/<name>")
def avatar(name):
    return send_file(BASE + "/avatars/" + name)  # expect: py.path-traversal


@app.route("/avatars-fixed/<name>")
def avatar_fixed(name):
    return send_file(BASE + "/avatars/" + os.path.basename(name))  # ok: py.path-traversal


# Pair 3: Django upload, through a dict; the safe twin reads the slot holding a constant.
def save_upload(request):
    upload = request.FILES["document"]
    names = {"given": upload.name, "fixed": "document.bin"}
    with open(os.path.join(BASE, names["given"]), "wb") as out:  # expect: py.path-traversal
        out.write(upload.read())


def save_upload_fixed(request):
    upload = request.FILES["document"]
    names = {"given": upload.name, "fixed": "document.bin"}
    with open(os.path.join(BASE, names["fixed"]), "wb") as out:  # ok: py.path-traversal
        out.write(upload.read())


# Pair 4: pathlib through a helper of the same file; the safe helper cleans the name.
def report_path(name):
    return REPORTS / name


def clean_report_path(name):
    return REPORTS / secure_filename(name)


@api.get("/reports/{name}")
def read_report(name: str):
    return report_path(name).read_text()  # expect: py.path-traversal


@api.get("/reports-fixed/{name}")
def read_report_fixed(name: str):
    return clean_report_path(name).read_text()  # ok: py.path-traversal


# Pair 5: FastAPI file response across a constant branch.
@api.get("/exports")
def export(kind: str):
    level = 5
    if level > 3:
        target = kind
    else:
        target = "summary.csv"
    return FileResponse(os.path.join(BASE, "exports", target))  # expect: py.path-traversal


@api.get("/exports-fixed")
def export_fixed(kind: str):
    level = 5
    if level > 30:
        target = kind
    else:
        target = "summary.csv"
    return FileResponse(os.path.join(BASE, "exports", target))  # ok: py.path-traversal


# Pair 6: a removal; the safe twin checks the name against an allow-list.
@app.route("/cache/clear", methods=["POST"])
def clear_cache():
    entry = request.form["entry"]
    os.remove(os.path.join(BASE, "cache", entry))  # expect: py.path-traversal
    return "ok"


@app.route("/cache/clear-fixed", methods=["POST"])
def clear_cache_fixed():
    entry = request.form["entry"]
    if entry not in {"thumbnails", "previews"}:
        abort(400)
    os.remove(os.path.join(BASE, "cache", entry))  # ok: py.path-traversal
    return "ok"


# Pair 7: a note sent as a download; the safe twin sends its text from memory.
@app.route("/notes/<note>")
def note_download(note):
    return send_file(note, download_name="note.txt")  # expect: py.path-traversal


@app.route("/notes-fixed/<note>")
def note_download_fixed(note):
    return send_file(io.BytesIO(note.encode()), download_name="note.txt")  # ok: py.path-traversal
