import random
import secrets
import string

ALPHABET = string.ascii_letters + string.digits


# Pair 1: a reset code assigned directly; the safe twin draws it from `secrets`.
def issue_reset(user):
    user.reset_code = str(random.randint(100000, 999999))  # expect: py.weak-random-secret
    return user


def issue_reset_fixed(user):
    user.reset_code = str(secrets.randbelow(900000) + 100000)  # ok: py.weak-random-secret
    return user


# Pair 2: returned from a token helper through string building; the safe twin overwrites the value.
def make_session_token():
    raw = "%032x" % random.getrandbits(128)
    return "s-" + raw  # expect: py.weak-random-secret


def make_session_token_fixed():
    raw = "%032x" % random.getrandbits(128)
    raw = secrets.token_hex(16)
    return "s-" + raw  # ok: py.weak-random-secret


# Pair 3: through a dict; the safe twin reads the slot holding a strong value.
def new_credentials():
    pool = {"weak": "".join(random.choices(ALPHABET, k=16)), "strong": secrets.token_urlsafe(16)}
    return {"api_key": pool["weak"]}  # expect: py.weak-random-secret


def new_credentials_fixed():
    pool = {"weak": "".join(random.choices(ALPHABET, k=16)), "strong": secrets.token_urlsafe(16)}
    return {"api_key": pool["strong"]}  # ok: py.weak-random-secret


# Pair 4: a keyword argument through a helper of the same file.
def with_prefix(value):
    return "inv-" + value


def fixed_prefix(value):
    return "inv-manual"


def invite(send):
    send(invite_code=with_prefix(str(random.random())))  # expect: py.weak-random-secret


def invite_fixed(send):
    send(invite_code=fixed_prefix(str(random.random())))  # ok: py.weak-random-secret


# Pair 5: a seeded generator object and a field; the safe twin uses SystemRandom.
class PasswordGenerator:
    def __init__(self):
        self.rng = random.Random()
        self.system = random.SystemRandom()

    def generate(self):
        self.temp_password = "".join(self.rng.choice(ALPHABET) for _ in range(12))  # expect: py.weak-random-secret

    def generate_fixed(self):
        self.temp_password = "".join(self.system.choice(ALPHABET) for _ in range(12))  # ok: py.weak-random-secret


# Pair 6: across a branch whose condition is a constant expression.
def csrf_for(form):
    strength = 3
    drawn = str(random.random()) if strength * 2 > 5 else secrets.token_hex(8)
    form.csrf_token = drawn  # expect: py.weak-random-secret


def csrf_for_fixed(form):
    strength = 3
    drawn = str(random.random()) if strength * 2 > 50 else secrets.token_hex(8)
    form.csrf_token = drawn  # ok: py.weak-random-secret


# Pair 7: a number drawn from the PRNG is still a guessable secret.
def reset_code_for(user):
    user.reset_code = int(random.random() * 1000000)  # expect: py.weak-random-secret


def reset_code_for_fixed(user):
    user.reset_code = secrets.randbelow(1000000)  # ok: py.weak-random-secret
