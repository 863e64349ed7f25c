import os

import psycopg2

DB_PASSWORD = "Pr0d-Passw0rd!2024"  # expect: py.hardcoded-credential
SECRET_KEY = "django-insecure-9x!k2m@q7z"  # expect: py.hardcoded-credential
API_KEY = os.environ["API_KEY"]  # ok: py.hardcoded-credential
password_field = "password"  # ok: py.hardcoded-credential
TOKEN_PLACEHOLDER = "<TOKEN>"  # ok: py.hardcoded-credential


def connect():
    conn = psycopg2.connect(host="db", user="app", password="hunter2-admin")  # expect: py.hardcoded-credential
    settings = {"api_key": "sk-live-4f9a8b7c6d5e"}  # expect: py.hardcoded-credential
    env_secret = os.getenv("CLIENT_SECRET")  # ok: py.hardcoded-credential
    token = "your-api-token-here"  # ok: py.hardcoded-credential
    return conn, settings, env_secret, token


# The characters a URL encoder must escape, used as a user name and password in a test.
RESERVED = PASSWORD = "%!*'();:@&=+$,/?#[] "  # ok: py.hardcoded-credential
SOCKS_PASSWORD = "proxy.socks.password"  # ok: py.hardcoded-credential
