import html

from django.http import HttpResponse
from django.utils.safestring import mark_safe
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from flask import Flask, make_response, request
from markupsafe import Markup, escape

app = Flask(__name__)
api = FastAPI()


# Pair 1: a Flask view returning an f-string; the safe twin escapes the value.
@app.route("/search")
def search():
    term = request.args.get("q", "")
    return f"<h1>Results for {term}</h1>"  # expect: py.xss


@app.route("/search-fixed")
def search_fixed():
    term = request.args.get("q", "")
    return f"<h1>Results for {escape(term)}</h1>"  # ok: py.xss


# Pair 2: Django HttpResponse built by concatenation; the safe twin overwrites the value.
def greet(request):
    name = request.GET.get("name", "")
    return HttpResponse("<p>Hello " + name + "</p>")  # expect: py.xss


def greet_fixed(request):
    name = request.GET.get("name", "")
    name = "visitor"
    return HttpResponse("<p>Hello " + name + "</p>")  # ok: py.xss


# Pair 3: mark_safe through a dict; the safe twin reads the slot holding a constant.
def profile(request):
    parts = {"bio": request.POST["bio"], "badge": "<b>member</b>"}
    return mark_safe(parts["bio"])  # expect: py.xss


def profile_fixed(request):
    parts = {"bio": request.POST["bio"], "badge": "<b>member</b>"}
    return mark_safe(parts["badge"])  # ok: py.xss


# Pair 4: FastAPI HTMLResponse through a helper of the same file.
def as_paragraph(text):
    return "<p>" + text + "</p>"


def escaped_paragraph(text):
    return "<p>" + html.escape(text) + "</p>"


@api.get("/notes")
def note(body: str):
    return HTMLResponse(content=as_paragraph(body))  # expect: py.xss


@api.get("/notes-fixed")
def note_fixed(body: str):
    return HTMLResponse(content=escaped_paragraph(body))  # ok: py.xss


# Pair 5: Markup and make_response across a branch whose condition is a constant expression.
@app.route("/banner")
def banner():
    width = 40
    text = request.args.get("text", "")
    shown = text if width * 2 > 60 else "Welcome"
    return make_response(Markup("<div class=banner>") + shown, 200)  # expect: py.xss


@app.route("/banner-fixed")
def banner_fixed():
    width = 40
    text = request.args.get("text", "")
    shown = text if width * 2 > 600 else "Welcome"
    return make_response(Markup("<div class=banner>") + shown, 200)  # ok: py.xss


# Pair 6: through a field of a class.
class CommentView:
    def __init__(self):
        self.comment = request.form.get("comment", "")
        self.footer = "<footer>thanks</footer>"

    def render(self):
        return make_response("<div>" + self.comment + "</div>")  # expect: py.xss

    def render_footer(self):
        return make_response("<div>" + self.footer + "</div>")  # ok: py.xss
