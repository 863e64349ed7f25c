"""The orders service: a Flask app over an in-memory store."""

from flask import Flask, abort, jsonify

ORDERS = {1: {"id": 1, "item": "keyboard", "cents": 4999}}

app = Flask(__name__)


@app.get("/orders/<int:order_id>")
def get_order(order_id: int):
    order = ORDERS.get(order_id)
    if order is None:
        abort(404)
    return jsonify(order)
