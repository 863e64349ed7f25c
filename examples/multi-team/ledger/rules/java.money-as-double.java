class Example {
    long cents(String amount) {
        double value = Double.parseDouble(amount); // expect: java.money-as-double
        return new java.math.BigDecimal(amount).movePointRight(2).longValueExact(); // ok: java.money-as-double
    }
}
