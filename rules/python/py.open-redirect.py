from django import shortcuts
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from flask import Flask, redirect, request, url_for

app = Flask(__name__)
api = FastAPI()
KNOWN_PAGES = {"/", "/account", "/orders"}


# Pair 1: directly from the query string; the safe twin redirects to a named route.
@app.route("/login/done")
def login_done():
    target = request.args.get("next", "/")
    return redirect(target)  # expect: py.open-redirect


@app.route("/login/done-fixed")
def login_done_fixed():
    target = url_for("dashboard", ref=request.args.get("next", "/"))
    return redirect(target)  # ok: py.open-redirect


# Pair 2: Django, checked with url_has_allowed_host_and_scheme in the safe twin.
def logout_view(request):
    back = request.GET.get("back", "/")
    return HttpResponseRedirect(back)  # expect: py.open-redirect


def logout_view_fixed(request):
    back = request.GET.get("back", "/")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return HttpResponseRedirect(back)  # ok: py.open-redirect


# Pair 3: FastAPI parameter through a dict.
@api.get("/go")
def go(dest: str):
    targets = {"asked": dest, "home": "/home"}
    return RedirectResponse(targets["asked"])  # expect: py.open-redirect


@api.get("/go-fixed")
def go_fixed(dest: str):
    targets = {"asked": dest, "home": "/home"}
    return RedirectResponse(targets["home"])  # ok: py.open-redirect


# Pair 4: string building through a helper of the same file.
def with_campaign(url):
    return url + "?utm_source=mail"


def home_with_campaign(url):
    return "/?utm_source=mail"


def campaign(request):
    return shortcuts.redirect(with_campaign(request.POST["landing"]))  # expect: py.open-redirect


def campaign_fixed(request):
    return shortcuts.redirect(home_with_campaign(request.POST["landing"]))  # ok: py.open-redirect


# Pair 5: an allow-list check; the vulnerable twin only checks that a value was given.
@app.route("/continue")
def continue_to():
    page = request.form.get("page", "/")
    if not page:
        page = "/"
    return redirect(page)  # expect: py.open-redirect


@app.route("/continue-fixed")
def continue_to_fixed():
    page = request.form.get("page", "/")
    if page not in KNOWN_PAGES:
        page = "/"
    return redirect(page)  # ok: py.open-redirect
