from urllib.parse import quote

from django.http import HttpResponse
from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse
from flask import Flask, make_response, request

app = Flask(__name__)
api = FastAPI()
ORIGINS = {"https://app.example.com", "https://admin.example.com"}


# Pair 1: a query value into a Flask header; the safe twin overwrites it with a constant.
@app.route("/download")
def download():
    response = make_response(b"data")
    name = request.args.get("name", "report.csv")
    response.headers["Content-Disposition"] = "attachment; filename=" + name  # expect: py.header-injection
    return response


@app.route("/download-fixed")
def download_fixed():
    response = make_response(b"data")
    name = request.args.get("name", "report.csv")
    name = "report.csv"
    response.headers["Content-Disposition"] = "attachment; filename=" + name  # ok: py.header-injection
    return response


# Pair 2: a Django response header; the safe twin URL-encodes the value.
def export(request):
    response = HttpResponse(b"data", content_type="text/csv")
    title = request.GET.get("title", "export")
    response["Content-Disposition"] = f"attachment; filename={title}.csv"  # expect: py.header-injection
    return response


def export_fixed(request):
    response = HttpResponse(b"data", content_type="text/csv")
    title = request.GET.get("title", "export")
    response["Content-Disposition"] = f"attachment; filename={quote(title)}.csv"  # ok: py.header-injection
    return response


# Pair 3: CORS origin through a dict; the safe twin reads the slot holding a constant.
@api.get("/data")
def data(origin: str):
    cors = {"asked": origin, "default": "https://app.example.com"}
    return JSONResponse({"ok": True}, headers={"Access-Control-Allow-Origin": cors["asked"]})  # expect: py.header-injection


@api.get("/data-fixed")
def data_fixed(origin: str):
    cors = {"asked": origin, "default": "https://app.example.com"}
    return JSONResponse({"ok": True}, headers={"Access-Control-Allow-Origin": cors["default"]})  # ok: py.header-injection


# Pair 4: a cookie value through a helper of the same file.
def theme_value(choice):
    return "theme-" + choice


def default_theme(choice):
    return "theme-light"


@app.route("/theme")
def theme():
    response = make_response("ok")
    response.set_cookie("theme", theme_value(request.args["theme"]))  # expect: py.header-injection
    return response


@app.route("/theme-fixed")
def theme_fixed():
    response = make_response("ok")
    response.set_cookie("theme", default_theme(request.args["theme"]))  # ok: py.header-injection
    return response


# Pair 5: an allow-list check; the vulnerable twin only checks that a value was given.
@api.get("/preflight")
def preflight(response: Response, origin: str = ""):
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin  # expect: py.header-injection
    return {}


@api.get("/preflight-fixed")
def preflight_fixed(response: Response, origin: str = ""):
    if origin in ORIGINS:
        response.headers["Access-Control-Allow-Origin"] = origin  # ok: py.header-injection
    return {}


# Pair 6: a Location header across a branch whose condition is a constant expression.
@app.route("/moved")
def moved():
    tries = 4
    where = request.args.get("to", "/")
    target = where if tries - 1 > 2 else "/home"
    response = make_response("", 302)
    response.headers.set("Location", target)  # expect: py.header-injection
    return response


@app.route("/moved-fixed")
def moved_fixed():
    tries = 4
    where = request.args.get("to", "/")
    target = where if tries - 1 > 20 else "/home"
    response = make_response("", 302)
    response.headers.set("Location", target)  # ok: py.header-injection
    return response
