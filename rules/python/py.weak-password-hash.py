import hashlib


def hash_password(password):
    return hashlib.md5(password.encode()).hexdigest()  # expect: py.weak-password-hash


def store(user, pwd):
    user.digest = hashlib.sha1(pwd.encode()).hexdigest()  # expect: py.weak-password-hash
    user.legacy = hashlib.new("md5", pwd.encode())  # expect: py.weak-password-hash


def checksum(path):
    with open(path, "rb") as handle:
        etag = hashlib.md5(handle.read()).hexdigest()  # ok: py.weak-password-hash
    return hashlib.sha256(etag.encode()).hexdigest()  # ok: py.weak-password-hash
