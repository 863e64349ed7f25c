import os

from flask import Flask

app = Flask(__name__)
DEBUG = True  # expect: py.debug-enabled
app.config["DEBUG"] = True  # expect: py.debug-enabled


def configure():
    verbose_debug = True  # ok: py.debug-enabled
    return verbose_debug


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000, debug=True)  # expect: py.debug-enabled
    app.run(debug=os.environ.get("FLASK_DEBUG") == "1")  # ok: py.debug-enabled
    asyncio.run(main(), debug=True)  # ok: py.debug-enabled
