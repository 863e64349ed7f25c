from fastapi import FastAPI
from flask import Flask, render_template_string, request
from jinja2 import Environment, Template

app = Flask(__name__)
api = FastAPI()
env = Environment(autoescape=True)
GREETINGS = {"Hello {{ name }}", "Welcome back, {{ name }}"}


# Pair 1: concatenated into the template; the safe twin passes the value as a variable.
@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    return render_template_string("<h1>Hello " + name + "</h1>")  # expect: py.template-injection


@app.route("/greet-fixed")
def greet_fixed():
    name = request.args.get("name", "")
    return render_template_string("<h1>Hello {{ name }}</h1>", name=name)  # ok: py.template-injection


# Pair 2: a Django view through a dict; the safe twin reads the slot holding a constant.
def preview(request):
    sources = {"draft": request.POST["body"], "default": "<p>{{ body }}</p>"}
    return env.from_string(sources["draft"]).render(body=request.POST["body"])  # expect: py.template-injection


def preview_fixed(request):
    sources = {"draft": request.POST["body"], "default": "<p>{{ body }}</p>"}
    return env.from_string(sources["default"]).render(body=request.POST["body"])  # ok: py.template-injection


# Pair 3: jinja2.Template through a helper of the same file.
def framed(text):
    return "<div>" + text + "</div>"


def empty_frame(text):
    return "<div>{{ text }}</div>"


@api.post("/cards")
def card(message: str):
    return Template(framed(message)).render()  # expect: py.template-injection


@api.post("/cards-fixed")
def card_fixed(message: str):
    return Template(empty_frame(message)).render(text=message)  # ok: py.template-injection


# Pair 4: an allow-list check; the vulnerable twin only checks the length.
@app.route("/welcome")
def welcome():
    greeting = request.args.get("greeting", "Hello {{ name }}")
    if len(greeting) > 200:
        greeting = "Hello {{ name }}"
    return render_template_string(greeting, name="you")  # expect: py.template-injection


@app.route("/welcome-fixed")
def welcome_fixed():
    greeting = request.args.get("greeting", "Hello {{ name }}")
    if greeting not in GREETINGS:
        greeting = "Hello {{ name }}"
    return render_template_string(greeting, name="you")  # ok: py.template-injection


# Pair 5: across a branch whose condition is a constant expression.
@app.route("/footer")
def footer():
    year = 2024
    text = request.args.get("footer", "") if year > 2000 else "(c) {{ year }}"
    return render_template_string(text, year=year)  # expect: py.template-injection


@app.route("/footer-fixed")
def footer_fixed():
    year = 2024
    text = request.args.get("footer", "") if year < 2000 else "(c) {{ year }}"
    return render_template_string(text, year=year)  # ok: py.template-injection
