import ldap
from fastapi import FastAPI
from flask import Flask, request
from ldap.filter import escape_filter_chars, filter_format
from ldap3 import SUBTREE, Connection

app = Flask(__name__)
api = FastAPI()
BASE_DN = "ou=people,dc=example,dc=com"
DEPARTMENTS = {"sales", "engineering"}


def directory():
    return ldap.initialize("ldap://ldap.example.com")


# Pair 1: python-ldap, an f-string filter; the safe twin escapes the value.
@app.route("/people")
def people():
    uid = request.args["uid"]
    return directory().search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={uid})")  # expect: py.ldap-injection


@app.route("/people-fixed")
def people_fixed():
    uid = request.args["uid"]
    return directory().search_s(BASE_DN, ldap.SCOPE_SUBTREE, f"(uid={escape_filter_chars(uid)})")  # ok: py.ldap-injection


# Pair 2: filter_format against concatenation (Django view).
def member_lookup(request):
    conn = directory()
    name = request.GET.get("cn", "")
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, "(cn=" + name + ")")  # expect: py.ldap-injection


def member_lookup_fixed(request):
    conn = directory()
    name = request.GET.get("cn", "")
    return conn.search_s(BASE_DN, ldap.SCOPE_SUBTREE, filter_format("(cn=%s)", [name]))  # ok: py.ldap-injection


# Pair 3: ldap3 through a dict; the safe twin reads the slot holding a constant.
@api.get("/groups")
def groups(group: str):
    conn = Connection("ldap.example.com", auto_bind=True)
    filters = {"asked": f"(cn={group})", "all": "(objectClass=groupOfNames)"}
    conn.search(BASE_DN, filters["asked"], search_scope=SUBTREE)  # expect: py.ldap-injection
    return conn.entries


@api.get("/groups-fixed")
def groups_fixed(group: str):
    conn = Connection("ldap.example.com", auto_bind=True)
    filters = {"asked": f"(cn={group})", "all": "(objectClass=groupOfNames)"}
    conn.search(BASE_DN, filters["all"], search_scope=SUBTREE)  # ok: py.ldap-injection
    return conn.entries


# Pair 4: keyword arguments through a helper of the same file.
def mail_filter(address):
    return "(mail=" + address + ")"


def staff_filter(address):
    return "(employeeType=staff)"


@app.route("/by-mail")
def by_mail():
    conn = Connection("ldap.example.com", auto_bind=True)
    conn.search(search_base=BASE_DN, search_filter=mail_filter(request.args["mail"]))  # expect: py.ldap-injection
    return str(conn.entries)


@app.route("/by-mail-fixed")
def by_mail_fixed():
    conn = Connection("ldap.example.com", auto_bind=True)
    conn.search(search_base=BASE_DN, search_filter=staff_filter(request.args["mail"]))  # ok: py.ldap-injection
    return str(conn.entries)


# Pair 5: the base DN; the safe twin checks the department against an allow-list.
@app.route("/department")
def department():
    dept = request.args.get("dept", "sales")
    base = "ou=" + dept + ",dc=example,dc=com"
    return directory().search_s(base, ldap.SCOPE_ONELEVEL)  # expect: py.ldap-injection


@app.route("/department-fixed")
def department_fixed():
    dept = request.args.get("dept", "sales")
    if dept not in DEPARTMENTS:
        return []
    base = "ou=" + dept + ",dc=example,dc=com"
    return directory().search_s(base, ldap.SCOPE_ONELEVEL)  # ok: py.ldap-injection
