import os
import ssl

from Crypto.Cipher import AES

MODES = {"compact": AES.MODE_ECB, "default": AES.MODE_GCM}
SUITES = {"legacy": "RC4-SHA:DES-CBC3-SHA", "modern": "ECDHE+AESGCM:!aNULL:!RC4"}


# Pair 1: the mode through a variable; the safe twin overwrites it.
def seal(key, data):
    mode = AES.MODE_ECB
    return AES.new(key, mode).encrypt(data)  # expect: py.weak-cipher-setting


def seal_fixed(key, data):
    mode = AES.MODE_ECB
    mode = AES.MODE_GCM
    return AES.new(key, mode).encrypt_and_digest(data)  # ok: py.weak-cipher-setting


# Pair 2: the mode from a dict of settings.
def seal_compact(key, data):
    return AES.new(key, MODES["compact"]).encrypt(data)  # expect: py.weak-cipher-setting


def seal_default(key, data):
    return AES.new(key, MODES["default"]).encrypt(data)  # ok: py.weak-cipher-setting


# Pair 3: a TLS cipher list with a weak default; the safe twin's default excludes RC4.
def client_context():
    context = ssl.create_default_context()
    context.set_ciphers(os.environ.get("TLS_CIPHERS", "RC4-SHA:AES128-SHA"))  # expect: py.weak-cipher-setting
    return context


def client_context_fixed():
    context = ssl.create_default_context()
    context.set_ciphers(os.environ.get("TLS_CIPHERS", "ECDHE+AESGCM:!RC4:!aNULL"))  # ok: py.weak-cipher-setting
    return context


# Pair 4: cipher suites through a helper of the same file.
def suites_for(configured):
    return configured.strip()


def modern_suites(configured):
    return "ECDHE+AESGCM:ECDHE+CHACHA20"


def legacy_socket(sock):
    return ssl.wrap_socket(sock, ciphers=suites_for(SUITES["legacy"]))  # expect: py.weak-cipher-setting


def legacy_socket_fixed(sock):
    return ssl.wrap_socket(sock, ciphers=modern_suites(SUITES["legacy"]))  # ok: py.weak-cipher-setting


# Pair 5: across a branch whose condition is a constant expression, as a keyword argument.
def box(key, nonce, data):
    level = 2
    chosen = AES.MODE_ECB if level < 3 else AES.MODE_GCM
    return AES.new(key, mode=chosen).encrypt(data)  # expect: py.weak-cipher-setting


def box_fixed(key, nonce, data):
    level = 2
    chosen = AES.MODE_ECB if level > 3 else AES.MODE_GCM
    return AES.new(key, mode=chosen).encrypt(data)  # ok: py.weak-cipher-setting


# Pair 6: through a field of a class.
class Vault:
    def __init__(self, key):
        self.key = key
        self.mode = AES.MODE_ECB
        self.strong_mode = AES.MODE_GCM

    def lock(self, data):
        return AES.new(self.key, self.mode).encrypt(data)  # expect: py.weak-cipher-setting

    def lock_fixed(self, data):
        return AES.new(self.key, self.strong_mode).encrypt(data)  # ok: py.weak-cipher-setting
