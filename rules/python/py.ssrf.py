from urllib.request import urlopen

import requests
from flask import request


def preview():
    page = requests.get(request.args["url"], timeout=5)  # expect: py.ssrf
    raw = urlopen(request.form.get("feed")).read()  # expect: py.ssrf
    fixed = requests.get("https://api.example.com/items", params={"q": request.args["q"]})  # ok: py.ssrf
    target = request.json["webhook"]
    requests.post(target, json={"ok": True}, timeout=5)  # expect: py.ssrf
    query = request.args.get("q")
    requests.get(API_URL, params={"q": query}, timeout=5)  # ok: py.ssrf
    return page.text, raw, fixed.json()
