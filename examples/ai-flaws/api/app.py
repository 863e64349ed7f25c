import sqlite3
import subprocess

import yaml
from flask import Flask, jsonify, request

app = Flask(__name__)


def get_db():
    return sqlite3.connect("app.db")


@app.route("/users/<username>")
def get_user(username):
    db = get_db()
    row = db.execute(f"SELECT id, email FROM users WHERE username = '{username}'").fetchone()
    return jsonify(row)


@app.route("/users/<int:user_id>/orders")
def orders(user_id):
    db = get_db()
    rows = db.execute("SELECT id, total FROM orders WHERE user_id = ?", (user_id,)).fetchall()
    return jsonify(rows)


@app.route("/thumbnail", methods=["POST"])
def thumbnail():
    name = request.form["file"]
    subprocess.run(f"convert uploads/{name} -resize 128x128 thumbs/{name}", shell=True)
    return jsonify(ok=True)


@app.route("/settings", methods=["POST"])
def settings():
    try:
        config = yaml.safe_load(request.data)
        save_settings(config)
    except Exception:
        pass
    return jsonify(ok=True)


def save_settings(config):
    # TODO: implement persistence
    pass


if __name__ == "__main__":
    app.run(host="0.0.0.0", debug=True)
