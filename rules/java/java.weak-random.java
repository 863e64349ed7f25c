import java.security.SecureRandom;
import java.util.Random;

class Dice {
    int roll() {
        return new Random().nextInt(6) + 1; // expect: java.weak-random
    }

    float weight() {
        return new java.util.Random().nextFloat(); // expect: java.weak-random
    }

    String generateResetToken() {
        return Long.toHexString(new Random().nextLong()); // expect: java.weak-random
    }

    String label() {
        return org.apache.commons.lang3.RandomStringUtils.randomAlphabetic(8); // expect: java.weak-random
    }

    String secureLabel() {
        return org.apache.commons.lang3.RandomStringUtils.random(8, 0, 0, true, true, null, new SecureRandom()); // ok: java.weak-random
    }

    byte[] salt() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes); // ok: java.weak-random
        return bytes;
    }
}
