import logging

from fastapi import FastAPI
from flask import Flask, current_app, request

app = Flask(__name__)
api = FastAPI()
logger = logging.getLogger(__name__)


# Pair 1: a form field as a log argument; the safe twin escapes line breaks.
@app.route("/login", methods=["POST"])
def login():
    user = request.form["user"]
    logger.info("login attempt for %s", user)  # expect: py.log-injection
    return "ok"


@app.route("/login-fixed", methods=["POST"])
def login_fixed():
    user = request.form["user"].replace("\r", "").replace("\n", "\\n")
    logger.info("login attempt for %s", user)  # ok: py.log-injection
    return "ok"


# Pair 2: an f-string message in a Django view; the safe twin logs a number.
def delete_item(request):
    item = request.POST.get("item", "")
    logging.warning(f"deleting item {item}")  # expect: py.log-injection


def delete_item_fixed(request):
    item = int(request.POST.get("item", "0"))
    logging.warning(f"deleting item {item}")  # ok: py.log-injection


# Pair 3: a header through a dict; the safe twin reads the slot holding a constant.
@app.route("/ping")
def ping():
    details = {"agent": request.headers.get("User-Agent", ""), "kind": "ping"}
    current_app.logger.debug("request from " + details["agent"])  # expect: py.log-injection
    return "pong"


@app.route("/ping-fixed")
def ping_fixed():
    details = {"agent": request.headers.get("User-Agent", ""), "kind": "ping"}
    current_app.logger.debug("request from " + details["kind"])  # ok: py.log-injection
    return "pong"


# Pair 4: through a helper of the same file; the safe helper logs repr().
def describe(value):
    return "search for " + value


def describe_quoted(value):
    return "search for " + repr(value)


@api.get("/search")
def search(q: str):
    logger.error(describe(q))  # expect: py.log-injection
    return []


@api.get("/search-fixed")
def search_fixed(q: str):
    logger.error(describe_quoted(q))  # ok: py.log-injection
    return []


# Pair 5: across a branch whose condition is a constant expression.
@app.route("/export")
def export():
    verbose = 2
    name = request.args.get("name", "")
    label = name if verbose * 5 > 9 else "export"
    logger.warning("export started: %s", label)  # expect: py.log-injection
    return "ok"


@app.route("/export-fixed")
def export_fixed():
    verbose = 2
    name = request.args.get("name", "")
    label = name if verbose * 5 > 90 else "export"
    logger.warning("export started: %s", label)  # ok: py.log-injection
    return "ok"


# Pair 6: through a field of a class.
class AuditTrail:
    def __init__(self):
        self.log = logging.getLogger("audit")
        self.actor = request.args.get("actor", "")
        self.action = "view"

    def record(self):
        self.log.info("actor=%s", self.actor)  # expect: py.log-injection

    def record_action(self):
        self.log.info("action=%s", self.action)  # ok: py.log-injection
