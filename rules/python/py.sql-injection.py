import sqlite3

from django.db import connection
from fastapi import FastAPI
from flask import Flask, request
from sqlalchemy import text

app = Flask(__name__)
api = FastAPI()
ALLOWED_COLUMNS = {"name", "email", "created"}


def get_db():
    return sqlite3.connect("app.db")


# Pair 1: through a variable and an f-string; the safe twin overwrites the value with a constant.
@app.route("/users/by-name")
def users_by_name():
    name = request.args.get("name", "")
    query = f"SELECT id FROM users WHERE name = '{name}'"
    return get_db().execute(query).fetchall()  # expect: py.sql-injection


@app.route("/users/by-name-fixed")
def users_by_name_fixed():
    name = request.args.get("name", "")
    name = "guest"
    query = f"SELECT id FROM users WHERE name = '{name}'"
    return get_db().execute(query).fetchall()  # ok: py.sql-injection


# Pair 2: concatenation versus a parameterised query (Django view).
def orders_for_customer(request):
    customer = request.GET["customer"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orders WHERE customer = '" + customer + "'")  # expect: py.sql-injection
        return cursor.fetchall()


def orders_for_customer_fixed(request):
    customer = request.GET["customer"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM orders WHERE customer = %s", [customer])  # ok: py.sql-injection
        return cursor.fetchall()


# Pair 3: through a dict; the safe twin reads the slot that holds a constant.
@app.route("/report", methods=["POST"])
def report():
    filters = {"status": "open", "owner": request.form["owner"]}
    sql = "SELECT * FROM tickets WHERE owner = '%s'" % filters["owner"]
    return get_db().execute(sql).fetchall()  # expect: py.sql-injection


@app.route("/report-fixed", methods=["POST"])
def report_fixed():
    filters = {"status": "open", "owner": request.form["owner"]}
    sql = "SELECT * FROM tickets WHERE status = '%s'" % filters["status"]
    return get_db().execute(sql).fetchall()  # ok: py.sql-injection


# Pair 4: through a helper of the same file; one returns its argument, the other a constant.
def order_column(column):
    return column


def default_column(column):
    return "created"


@api.get("/items")
async def list_items(sort: str):
    clause = "SELECT * FROM items ORDER BY {}".format(order_column(sort))
    return await database.fetch_all(text(clause))  # expect: py.sql-injection


@api.get("/items-fixed")
async def list_items_fixed(sort: str):
    clause = "SELECT * FROM items ORDER BY {}".format(default_column(sort))
    return await database.fetch_all(text(clause))  # ok: py.sql-injection


# Pair 5: an allow-list check; the vulnerable twin runs the query before checking.
@app.route("/search")
def search():
    column = request.args["column"]
    if column == "":
        return []
    return get_db().execute("SELECT " + column + " FROM users").fetchall()  # expect: py.sql-injection


@app.route("/search-fixed")
def search_fixed():
    column = request.args["column"]
    if column not in ALLOWED_COLUMNS:
        return []
    return get_db().execute("SELECT " + column + " FROM users").fetchall()  # ok: py.sql-injection


# Pair 6: across a branch whose condition is a constant expression.
@app.route("/audit")
def audit():
    limit = 12
    actor = request.args.get("actor")
    who = actor if limit * 3 > 30 else "system"
    return get_db().execute("SELECT * FROM audit WHERE actor = '" + who + "'").fetchall()  # expect: py.sql-injection


@app.route("/audit-fixed")
def audit_fixed():
    limit = 12
    actor = request.args.get("actor")
    who = actor if limit * 3 > 50 else "system"
    return get_db().execute("SELECT * FROM audit WHERE actor = '" + who + "'").fetchall()  # ok: py.sql-injection


# Pair 7: through a field of a class, and a numeric cast.
class ProductRepository:
    def __init__(self, db):
        self.db = db
        self.category = request.args.get("category", "")
        self.page = int(request.args.get("page", "1"))

    def by_category(self):
        return self.db.execute("SELECT * FROM products WHERE category = '" + self.category + "'")  # expect: py.sql-injection

    def by_page(self):
        return self.db.execute("SELECT * FROM products LIMIT 20 OFFSET " + str(self.page * 20))  # ok: py.sql-injection


# Pair 8: Django's QuerySet.extra; the safe twin passes the value as a parameter.
def recent_orders(request, Order):
    since = request.GET.get("since", "")
    return Order.objects.extra(where=["created > '" + since + "'"])  # expect: py.sql-injection


def recent_orders_fixed(request, Order):
    since = request.GET.get("since", "")
    return Order.objects.extra(where=["created > %s"], params=[since])  # ok: py.sql-injection


# An entry point: a function nothing in this file calls gets its term from anywhere.
def search_users(db, term):
    return db.execute(f"SELECT id, name FROM users WHERE name LIKE '%{term}%'")  # expect: py.sql-injection


def search_users_safely(db, term):
    return db.execute("SELECT id, name FROM users WHERE name LIKE ?", (f"%{term}%",))  # ok: py.sql-injection


def run_statement(db, sql, params):
    return db.execute(sql, params)  # ok: py.sql-injection
