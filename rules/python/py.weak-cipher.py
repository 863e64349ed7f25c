from Crypto.Cipher import AES, ARC4, DES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt(key, data, iv):
    des = DES.new(key, DES.MODE_CBC, iv)  # expect: py.weak-cipher
    rc4 = ARC4.new(key)  # expect: py.weak-cipher
    legacy = Cipher(algorithms.AES(key), modes.ECB())  # expect: py.weak-cipher
    gcm = AES.new(key, AES.MODE_GCM)  # ok: py.weak-cipher
    good = Cipher(algorithms.AES(key), modes.GCM(iv))  # ok: py.weak-cipher
    return des, rc4, legacy, gcm, good
