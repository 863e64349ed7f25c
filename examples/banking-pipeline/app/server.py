"""The fees service: `GET /fees?amount=CENTS` answers the fee for a card payment.

Run it with `python -m app.server HOST:PORT`.
"""

import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

from flask import Flask, jsonify, request

from app.fees import card_fee

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok")


@app.get("/fees")
def fees():
    amount = request.args.get("amount", type=int)
    if amount is None or amount < 0:
        return jsonify(error="`amount` must be a whole, non-negative number of cents"), 400
    return jsonify(amount=amount, fee=card_fee(amount))


class QuietHandler(WSGIRequestHandler):
    """Serves without a log line per request."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


if __name__ == "__main__":
    host, port = sys.argv[1].rsplit(":", 1)
    make_server(host, int(port), app, handler_class=QuietHandler).serve_forever()
