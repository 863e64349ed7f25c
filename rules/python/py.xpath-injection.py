from fastapi import FastAPI
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
api = FastAPI()
USERS = etree.parse("users.xml")
FIELDS = {"email", "phone"}


# Pair 1: an f-string expression; the safe twin passes the value as an XPath variable.
@app.route("/user")
def user():
    name = request.args["name"]
    return str(USERS.xpath(f"//user[@name='{name}']/email/text()"))  # expect: py.xpath-injection


@app.route("/user-fixed")
def user_fixed():
    name = request.args["name"]
    return str(USERS.xpath("//user[@name=$name]/email/text()", name=name))  # ok: py.xpath-injection


# Pair 2: concatenation in a Django view; the safe twin overwrites the value with a constant.
def active_user(request):
    user = request.POST["user"]
    query = "//user[@name='" + user + "' and @active='yes']"
    return bool(USERS.xpath(query))  # expect: py.xpath-injection


def active_user_fixed(request):
    user = request.POST["user"]
    user = "guest"
    query = "//user[@name='" + user + "' and @active='yes']"
    return bool(USERS.xpath(query))  # ok: py.xpath-injection


# Pair 3: a compiled XPath through a dict; the safe twin reads the slot holding a constant.
@api.get("/catalog")
def catalog(category: str):
    paths = {"asked": "//item[@category='%s']" % category, "all": "//item"}
    find = etree.XPath(paths["asked"])  # expect: py.xpath-injection
    return [str(item) for item in find(USERS)]


@api.get("/catalog-fixed")
def catalog_fixed(category: str):
    paths = {"asked": "//item[@category='%s']" % category, "all": "//item"}
    find = etree.XPath(paths["all"])  # ok: py.xpath-injection
    return [str(item) for item in find(USERS)]


# Pair 4: through a helper of the same file.
def field_path(field):
    return "//user/" + field + "/text()"


def email_path(field):
    return "//user/email/text()"


@app.route("/field")
def field():
    return str(USERS.xpath(field_path(request.args["field"])))  # expect: py.xpath-injection


@app.route("/field-fixed")
def field_fixed():
    return str(USERS.xpath(email_path(request.args["field"])))  # ok: py.xpath-injection


# Pair 5: an allow-list check; the vulnerable twin only checks the length.
@app.route("/contact")
def contact():
    kind = request.args.get("kind", "email")
    if len(kind) > 20:
        return ""
    return str(USERS.xpath("//user/" + kind))  # expect: py.xpath-injection


@app.route("/contact-fixed")
def contact_fixed():
    kind = request.args.get("kind", "email")
    if kind not in FIELDS:
        return ""
    return str(USERS.xpath("//user/" + kind))  # ok: py.xpath-injection
