package com.acme.ledger;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Amounts of money, kept as whole cents. */
public final class Money {
    private Money() {}

    /** Parses a decimal amount such as {@code "12.30"} into cents; more than two decimals is an error. */
    public static long toCents(String amount) {
        BigDecimal value = new BigDecimal(amount.trim());
        return value.setScale(2, RoundingMode.UNNECESSARY).movePointRight(2).longValueExact();
    }
}
