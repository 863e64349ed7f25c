"""Card fees: what the bank charges a merchant for a card payment."""
