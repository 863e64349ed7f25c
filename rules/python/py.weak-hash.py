import hashlib
import hmac
import os

SETTINGS = {"digest": os.environ.get("DIGEST")}
STRONG = {"sha256", "sha384", "sha512", "blake2b"}


# Pair 1: a setting read with a weak default; the safe twin's default is strong.
def file_fingerprint(data):
    algorithm = SETTINGS.get("digest", "md5")
    return hashlib.new(algorithm, data).hexdigest()  # expect: py.weak-hash


def file_fingerprint_fixed(data):
    algorithm = SETTINGS.get("digest", "sha256")
    return hashlib.new(algorithm, data).hexdigest()  # ok: py.weak-hash


# Pair 2: the name overwritten; the safe twin overwrites it with a strong one.
def sign(key, message):
    name = "sha256"
    name = "sha1"
    return hmac.new(key, message, name).hexdigest()  # expect: py.weak-hash


def sign_fixed(key, message):
    name = "sha1"
    name = "sha256"
    return hmac.new(key, message, name).hexdigest()  # ok: py.weak-hash


# Pair 3: through a dict of algorithms.
def derive(password, salt):
    choices = {"legacy": "sha1", "current": "sha512"}
    return hashlib.pbkdf2_hmac(choices["legacy"], password, salt, 600000)  # expect: py.weak-hash


def derive_fixed(password, salt):
    choices = {"legacy": "sha1", "current": "sha512"}
    return hashlib.pbkdf2_hmac(choices["current"], password, salt, 600000)  # ok: py.weak-hash


# Pair 4: a digest constructor through a helper of the same file, as `digestmod`.
def pick_digest(default):
    return default


def strong_digest(default):
    return hashlib.sha256


def webhook_signature(secret, body):
    return hmac.new(secret, body, digestmod=pick_digest(hashlib.md5)).hexdigest()  # expect: py.weak-hash


def webhook_signature_fixed(secret, body):
    return hmac.new(secret, body, digestmod=strong_digest(hashlib.md5)).hexdigest()  # ok: py.weak-hash


# Pair 5: across a branch whose condition is a constant expression.
def etag(content):
    version = 3
    algorithm = "md5" if version < 4 else "sha256"
    return hashlib.new(algorithm, content).hexdigest()  # expect: py.weak-hash


def etag_fixed(content):
    version = 3
    algorithm = "md5" if version > 4 else "sha256"
    return hashlib.new(algorithm, content).hexdigest()  # ok: py.weak-hash


# Pair 6: an allow-list check; the vulnerable twin only lower-cases the name.
def checksum(content):
    algorithm = SETTINGS.get("digest") or "md5"
    algorithm = algorithm.lower()
    return hashlib.new(algorithm, content).hexdigest()  # expect: py.weak-hash


def checksum_fixed(content):
    algorithm = SETTINGS.get("digest") or "md5"
    if algorithm not in STRONG:
        algorithm = "sha256"
    return hashlib.new(algorithm, content).hexdigest()  # ok: py.weak-hash


# Pair 7: through a field of a class; marked as not for security.
class Signer:
    def __init__(self):
        self.algorithm = "sha1"

    def digest(self, data):
        return hashlib.new(self.algorithm, data).digest()  # expect: py.weak-hash

    def cache_key(self, data):
        return hashlib.new(self.algorithm, data, usedforsecurity=False).digest()  # ok: py.weak-hash
