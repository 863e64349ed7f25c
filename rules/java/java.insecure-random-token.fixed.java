import java.io.*;
import java.util.*;


class Tokens {
    String generateResetToken() {
        return Long.toHexString(new java.security.SecureRandom().nextLong()); // expect: java.insecure-random-token
    }

    String newApiKey() {
        java.util.Random random = new java.security.SecureRandom(); // expect: java.insecure-random-token
        // A seed is deliberate: left to a person.
        Random seeded = new Random(42L); // expect: java.insecure-random-token
        return Long.toHexString(random.nextLong() ^ seeded.nextLong());
    }

    String login() {
        String sessionId = String.valueOf(Math.random()); // expect: java.insecure-random-token
        String safe = new java.security.SecureRandom().ints(8).toString(); // ok: java.insecure-random-token
        int shuffleSeed = new Random().nextInt(10); // ok: java.insecure-random-token
        return sessionId + safe + shuffleSeed;
    }
}
