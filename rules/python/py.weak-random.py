import random
import secrets


def shuffle_deck(deck):
    random.shuffle(deck)  # expect: py.weak-random
    return deck


def discount_code():
    return "".join(random.choice("ABCDEFGH") for _ in range(8))  # expect: py.weak-random


def reset_token():
    return random.getrandbits(64)  # expect: py.weak-random


def jitter():
    rng = random.SystemRandom()  # ok: py.weak-random
    return rng.random() + secrets.randbelow(10)  # ok: py.weak-random
