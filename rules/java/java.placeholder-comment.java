import java.io.*;
import java.util.*;


class Transfers {
    void transfer(long from, long to, long cents) {
        // In a real application, check the balance first // expect: java.placeholder-comment
        /* ... rest of the code here */ // expect: java.placeholder-comment
        // error handling omitted for brevity // expect: java.placeholder-comment
        // Amounts are in cents to avoid rounding. // ok: java.placeholder-comment
        // TODO: add real validation of the account numbers // expect: java.placeholder-comment
        /* Subclasses override check() to add actual validation of the amount. */ // ok: java.placeholder-comment
    }
}
