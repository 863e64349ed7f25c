"""Billing service generated with an assistant, then lightly edited."""
import hashlib
import logging
import os
import pickle
import random
import secrets
import sqlite3
import subprocess
import tempfile

import requests
import yaml
from flask import Flask, jsonify, redirect, request, send_from_directory, url_for

app = Flask(__name__)
logger = logging.getLogger("billing")
STRIPE_KEY = os.environ["STRIPE_KEY"]
WEBHOOK_SECRET = "whsec_9f8e7d6c5b4a3210"  # expect: secret.generic-credential


def db():
    return sqlite3.connect(os.environ.get("BILLING_DB", "billing.db"))


@app.route("/invoices/<customer_id>")
def invoices(customer_id):
    status = request.args.get("status", "open")
    rows = db().execute(
        "SELECT id, total FROM invoices WHERE customer_id = ? AND status = ?",
        (customer_id, status),
    ).fetchall()
    return jsonify(rows)


@app.route("/invoices/search")
def search_invoices():
    term = request.args.get("q", "")
    query = "SELECT id, total FROM invoices WHERE memo LIKE '%" + term + "%'"
    return jsonify(db().execute(query).fetchall())  # expect: py.sql-injection


@app.route("/reports/export", methods=["POST"])
def export_report():
    name = request.form["name"]
    path = tempfile.mktemp(suffix=".csv")  # expect: py.insecure-tempfile
    subprocess.run(f"python export.py --name {name} --out {path}", shell=True)  # expect: py.command-injection
    subprocess.run(["gzip", "-k", path], check=True)
    return send_from_directory(os.path.dirname(path), os.path.basename(path))


@app.route("/import", methods=["POST"])
def import_settings():
    settings = yaml.safe_load(request.data)
    legacy = pickle.loads(request.files["state"].read())  # expect: py.unsafe-deserialization
    return jsonify(settings=settings, legacy=str(legacy))


@app.route("/callback")
def oauth_callback():
    target = request.args.get("next") or url_for("invoices", customer_id="me")
    return redirect(request.args.get("next"))  # expect: py.open-redirect


def issue_reset_code(user):
    code = "".join(random.choices("0123456789", k=6))  # expect: py.weak-random
    user.reset_token = secrets.token_urlsafe(32)
    logger.info("reset requested for %s", user.id)
    return code  # expect: py.weak-random-secret


def store_password(user, password):
    user.password_hash = hashlib.md5(password.encode()).hexdigest()  # expect: py.weak-password-hash


def file_digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def notify(url, payload):
    try:
        requests.post(url, json=payload, timeout=5)
    except Exception:  # expect: py.broad-except-swallowed
        pass


def charge(customer, amount, gateway):
    try:
        return gateway.charge(customer, amount)
    except gateway.CardDeclined as error:
        logger.warning("declined: %s", error)
        raise


def sync_ledger(entries=[]):  # expect: py.mutable-default-argument
    # In a real application, this would reconcile with the bank feed.  # expect: py.placeholder-comment
    return entries


def delete_customer(user, customer):
    assert user.is_admin, "only admins may delete customers"  # expect: py.assert-for-authorization
    customer.delete()


@app.route("/webhooks/test", methods=["POST"])
def test_webhook():
    target = request.json["url"]
    requests.post(target, json={"ping": True}, timeout=5)  # expect: py.ssrf
    return jsonify(ok=True)


def fetch_rates():
    return requests.get("https://rates.example.com/v1/latest", verify=False, timeout=5)  # expect: py.tls-verify-disabled


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000, debug=True)  # expect: py.debug-enabled
