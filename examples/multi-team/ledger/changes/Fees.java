package com.acme.ledger;

/** Card fees. */
public final class Fees {
    private Fees() {}

    /** The fee on an amount, in cents: 2.9% plus 30 cents. */
    public static long cardFee(String amount) {
        double value = Double.parseDouble(amount);
        return Math.round(value * 100 * 0.029) + 30;
    }
}
