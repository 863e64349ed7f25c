import random
import secrets
import string


def generate_reset_token():
    return "".join(random.choices(string.ascii_letters, k=32))  # expect: py.insecure-random-token


def login(user):
    session_id = random.getrandbits(128)  # expect: py.insecure-random-token
    temp_password = str(random.randint(100000, 999999))  # expect: py.insecure-random-token
    token = secrets.token_urlsafe(32)  # ok: py.insecure-random-token
    banner_color = random.choice(["red", "green", "blue"])  # ok: py.insecure-random-token
    return session_id, temp_password, token, banner_color
