from fastapi import FastAPI, Request
from flask import Flask, request, session

app = Flask(__name__)
api = FastAPI()
ROLES = {"viewer", "editor"}


# Pair 1: a query value straight into the Flask session; the safe twin overwrites it.
@app.route("/prefs")
def prefs():
    lang = request.args.get("lang", "en")
    session["lang"] = lang  # expect: py.trust-boundary-violation
    return "ok"


@app.route("/prefs-fixed")
def prefs_fixed():
    lang = request.args.get("lang", "en")
    lang = "en"
    session["lang"] = lang  # ok: py.trust-boundary-violation
    return "ok"


# Pair 2: a Django view; the safe twin checks the role against an allow-list.
def switch_role(request):
    role = request.POST["role"]
    request.session["role"] = role  # expect: py.trust-boundary-violation


def switch_role_fixed(request):
    role = request.POST["role"]
    if role not in ROLES:
        return None
    request.session["role"] = role  # ok: py.trust-boundary-violation


# Pair 3: session.update with a dict; the safe twin stores the constant slot.
@app.route("/cart", methods=["POST"])
def cart():
    values = {"coupon": request.form.get("coupon", ""), "currency": "EUR"}
    session.update({"cart_coupon": values["coupon"]})  # expect: py.trust-boundary-violation
    return "ok"


@app.route("/cart-fixed", methods=["POST"])
def cart_fixed():
    values = {"coupon": request.form.get("coupon", ""), "currency": "EUR"}
    session.update({"cart_currency": values["currency"]})  # ok: py.trust-boundary-violation
    return "ok"


# Pair 4: through a helper of the same file; the safe helper returns a constant.
def chosen_name(name):
    return name.strip()


def anonymous_name(name):
    return "anonymous"


@app.route("/profile", methods=["POST"])
def profile():
    session["display"] = chosen_name(request.form["name"])  # expect: py.trust-boundary-violation
    return "ok"


@app.route("/profile-fixed", methods=["POST"])
def profile_fixed():
    session["display"] = anonymous_name(request.form["name"])  # ok: py.trust-boundary-violation
    return "ok"


# Pair 5: directly; the safe twin stores a number.
@app.route("/page")
def page():
    session["page"] = request.args.get("page", "1")  # expect: py.trust-boundary-violation
    return "ok"


@app.route("/page-fixed")
def page_fixed():
    session["page"] = int(request.args.get("page", "1"))  # ok: py.trust-boundary-violation
    return "ok"


# Pair 6: Starlette's request.session across a branch whose condition is a constant expression.
@api.post("/tenant")
def tenant(request: Request, tenant_id: str):
    shards = 8
    chosen = tenant_id if shards % 2 == 0 else "default"
    request.session["tenant"] = chosen  # expect: py.trust-boundary-violation
    return {}


@api.post("/tenant-fixed")
def tenant_fixed(request: Request, tenant_id: str):
    shards = 8
    chosen = tenant_id if shards % 2 == 1 else "default"
    request.session["tenant"] = chosen  # ok: py.trust-boundary-violation
    return {}


# Pair 7: the user a login looks up is the database's record, not the form's text.
@app.route("/login", methods=["POST"])
def login(db):
    name = request.form["username"]
    session["user_name"] = name  # expect: py.trust-boundary-violation


@app.route("/login-checked", methods=["POST"])
def login_checked(db):
    name = request.form["username"]
    user = db.execute("SELECT id, name FROM user WHERE username = ?", (name,)).fetchone()
    session["user_id"] = user["id"]  # ok: py.trust-boundary-violation
