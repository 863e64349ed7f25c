from django.http import HttpResponse
from flask import Flask, make_response

app = Flask(__name__)
COOKIE_OPTIONS = {"secure": True, "httponly": True, "samesite": "Lax"}


@app.post("/login")
def login():
    response = make_response("welcome")
    response.set_cookie("session", "abc")  # expect: py.insecure-cookie
    return response


@app.post("/login-safe")
def login_safe():
    response = make_response("welcome")
    response.set_cookie("session", "abc", secure=True, httponly=True, samesite="Lax")  # ok: py.insecure-cookie
    return response


def remember(response, user_id):
    response.set_cookie("remember", str(user_id), max_age=86400, secure=True)  # expect: py.insecure-cookie


def remember_safe(response, user_id):
    response.set_cookie("remember", str(user_id), max_age=86400, secure=True, httponly=True)  # ok: py.insecure-cookie


def django_view(request):
    response = HttpResponse("ok")
    response.set_cookie("csrftoken", "t", httponly=True, secure=False)  # expect: py.insecure-cookie
    return response


def django_view_safe(request):
    response = HttpResponse("ok")
    response.set_cookie("csrftoken", "t", httponly=True, secure=True)  # ok: py.insecure-cookie
    return response


def preferences(response, theme):
    response.set_cookie(key="theme", value=theme, httponly=False, secure=True)  # expect: py.insecure-cookie


def preferences_safe(response, theme):
    response.set_cookie(key="theme", value=theme, httponly=True, secure=True)  # ok: py.insecure-cookie


def configured(response, token, secure_flag):
    response.set_cookie("auth", token, httponly=None, secure=secure_flag)  # expect: py.insecure-cookie


def configured_safe(response, token, secure_flag):
    response.set_cookie("auth", token, httponly=True, secure=secure_flag)  # ok: py.insecure-cookie
    response.set_cookie("auth", token, **COOKIE_OPTIONS)  # ok: py.insecure-cookie


def jar(cookiejar, cookie):
    cookiejar.set_cookie(cookie)  # ok: py.insecure-cookie
