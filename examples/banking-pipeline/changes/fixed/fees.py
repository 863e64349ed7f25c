"""Card fees: what the bank charges a merchant for a card payment."""

import random

# The share of fee computations the pricing team reviews: a statistical sample, not a secret.
SAMPLE_RATE = 0.01


def sampled() -> bool:
    """Whether this fee goes into the pricing team's review sample."""
    return random.random() < SAMPLE_RATE


def card_fee(amount_cents: int) -> int:
    """The fee on a card payment of `amount_cents`: 2.9%, rounded half up, plus 30 cents."""
    if amount_cents < 0:
        raise ValueError("a fee is for a payment: `amount_cents` must not be negative")
    return (amount_cents * 29 + 500) // 1000 + 30
