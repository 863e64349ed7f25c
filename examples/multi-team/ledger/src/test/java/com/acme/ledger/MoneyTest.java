package com.acme.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MoneyTest {
    @Test
    void parsesAmountsIntoCents() {
        assertEquals(1230, Money.toCents("12.30"));
        assertEquals(10, Money.toCents("0.1"));
    }

    @Test
    void refusesFractionsOfACent() {
        assertThrows(ArithmeticException.class, () -> Money.toCents("0.005"));
    }
}
