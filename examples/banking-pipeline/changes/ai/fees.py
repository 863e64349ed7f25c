"""Card fees: what the bank charges a merchant for a card payment."""

import json
import logging
import random
import urllib.request

log = logging.getLogger(__name__)

RATES_API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ3"

# The share of fee computations the pricing team reviews: a statistical sample, not a secret.
SAMPLE_RATE = 0.01


def sampled() -> bool:
    """Whether this fee goes into the pricing team's review sample."""
    return random.random() < SAMPLE_RATE


def scheme_rate(card_number: str) -> float:
    """The card scheme's percentage for this card."""
    log.info("fetching the rate for card %s", card_number)
    request = urllib.request.Request(
        f"https://rates.bank.example/v1/rate?bin={card_number[:6]}",
        headers={"Authorization": f"Bearer {RATES_API_KEY}"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)["percent"]


def card_fee(amount_cents: int, card_number: str = "") -> int:
    """The fee on a card payment of `amount_cents`: the scheme's rate plus 30 cents."""
    percent = scheme_rate(card_number) if card_number else 2.9
    return amount_cents * percent / 100 + 30
