from urllib.request import urlopen

import httpx
import requests
from fastapi import FastAPI
from flask import Flask, request

app = Flask(__name__)
api = FastAPI()
PARTNER_FEEDS = {"https://feeds.example.com/a.xml", "https://feeds.example.com/b.xml"}


# Pair 1: directly from the query string; the safe twin sends the value as a parameter.
@app.route("/preview")
def preview():
    page = requests.get(request.args["url"], timeout=5)  # expect: py.ssrf
    return page.text


@app.route("/preview-fixed")
def preview_fixed():
    page = requests.get("https://api.example.com/preview", params={"url": request.args["url"]}, timeout=5)  # ok: py.ssrf
    return page.text


# Pair 2: a host built into an f-string; the safe twin overwrites it with a constant.
def status(request):
    host = request.GET.get("host", "")
    return urlopen(f"http://{host}/status").read()  # expect: py.ssrf


def status_fixed(request):
    host = request.GET.get("host", "")
    host = "status.internal.example.com"
    return urlopen(f"http://{host}/status").read()  # ok: py.ssrf


# Pair 3: FastAPI parameter through a dict; the safe twin reads the constant slot.
@api.post("/webhooks/test")
async def test_webhook(target: str):
    endpoints = {"custom": target, "default": "https://hooks.example.com/test"}
    async with httpx.AsyncClient() as client:
        return (await client.post(endpoints["custom"], json={"ping": True})).status_code  # expect: py.ssrf


@api.post("/webhooks/test-fixed")
async def test_webhook_fixed(target: str):
    endpoints = {"custom": target, "default": "https://hooks.example.com/test"}
    async with httpx.AsyncClient() as client:
        return (await client.post(endpoints["default"], json={"ping": True})).status_code  # ok: py.ssrf


# Pair 4: through a helper of the same file.
def avatar_url(user_url):
    return user_url.rstrip("/") + "/avatar.png"


def default_avatar_url(user_url):
    return "https://cdn.example.com/avatar.png"


@app.route("/avatar")
def avatar():
    return requests.get(avatar_url(request.args["profile"]), timeout=5).content  # expect: py.ssrf


@app.route("/avatar-fixed")
def avatar_fixed():
    return requests.get(default_avatar_url(request.args["profile"]), timeout=5).content  # ok: py.ssrf


# Pair 5: an allow-list check; the vulnerable twin only checks the length.
@app.route("/feed", methods=["POST"])
def feed():
    feed_url = request.form["feed"]
    if len(feed_url) > 2048:
        return "too long", 400
    return requests.get(feed_url, timeout=5).text  # expect: py.ssrf


@app.route("/feed-fixed", methods=["POST"])
def feed_fixed():
    feed_url = request.form["feed"]
    if feed_url not in PARTNER_FEEDS:
        return "unknown feed", 400
    return requests.get(feed_url, timeout=5).text  # ok: py.ssrf


# Pair 6: through a field of a class.
class Fetcher:
    def __init__(self):
        self.session = requests.Session()
        self.target = request.json["target"]
        self.health = "https://health.example.com/ping"

    def fetch(self):
        return self.session.get(self.target, timeout=5)  # expect: py.ssrf

    def ping(self):
        return self.session.get(self.health, timeout=5)  # ok: py.ssrf
