import java.security.SecureRandom;
import java.util.*;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.commons.lang3.RandomStringUtils;

class Accounts {
    private final Random rng = new Random();
    private final SecureRandom secure = new SecureRandom();
    private String csrfToken;

    String generateResetToken() {
        return Long.toHexString(new Random().nextLong()); // expect: java.weak-random-secret
    }

    String generateSessionToken() {
        String value = Long.toHexString(new Random().nextLong());
        byte[] bytes = new byte[32];
        secure.nextBytes(bytes);
        value = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return value; // ok: java.weak-random-secret
    }

    void saltVulnerable(User user) {
        Random random = new Random();
        byte[] noise = new byte[16];
        random.nextBytes(noise);
        byte[] fresh = new byte[16];
        secure.nextBytes(fresh);
        user.setSalt(noise); // expect: java.weak-random-secret
    }

    void saltSafe(User user) {
        Random random = new Random();
        byte[] noise = new byte[16];
        random.nextBytes(noise);
        byte[] fresh = new byte[16];
        secure.nextBytes(fresh);
        user.setSalt(fresh); // ok: java.weak-random-secret
    }

    void otpVulnerable() {
        String digits = String.valueOf(Math.random());
        String otp = digits.substring(2, 8); // expect: java.weak-random-secret
        send(otp);
    }

    void otpSafe() {
        String digits = String.valueOf(Math.random());
        int length = 6;
        if (length * 2 > 10) {
            digits = String.valueOf(secure.nextInt(1000000));
        }
        String otp = digits; // ok: java.weak-random-secret
        send(otp);
    }

    void codesVulnerable(User user) {
        Map<String, String> codes = new HashMap<>();
        codes.put("jitter", Integer.toString(rng.nextInt(500)));
        codes.put("fixed", "000000");
        String resetCode = codes.get("jitter"); // expect: java.weak-random-secret
        user.mail(resetCode);
    }

    void codesSafe(User user) {
        Map<String, String> codes = new HashMap<>();
        codes.put("jitter", Integer.toString(rng.nextInt(500)));
        codes.put("fixed", "000000");
        String resetCode = codes.get("fixed"); // ok: java.weak-random-secret
        user.mail(resetCode);
    }

    void apiKeySecure(Client client) {
        String apiKey = prefixed(RandomStringUtils.random(32, 0, 0, true, true, null, secure)); // ok: java.weak-random-secret
        String clientSecret = RandomStringUtils.random(32, 0, 0, true, true, null, new SecureRandom()); // ok: java.weak-random-secret
        client.register(apiKey + clientSecret);
    }

    String prefixed(String value) { return "key_" + value; }
    String issued(String value) { return "key_" + UUID.randomUUID(); }

    void apiKeyVulnerable(Client client) {
        String apiKey = prefixed(RandomStringUtils.randomAlphanumeric(32)); // expect: java.weak-random-secret
        client.register(apiKey);
    }

    void apiKeySafe(Client client) {
        String apiKey = issued(RandomStringUtils.randomAlphanumeric(32)); // ok: java.weak-random-secret
        client.register(apiKey);
    }

    void csrfVulnerable() {
        String candidate = "c" + ThreadLocalRandom.current().nextLong();
        csrfToken = candidate; // expect: java.weak-random-secret
    }

    void csrfSafe() {
        String candidate = "c" + ThreadLocalRandom.current().nextLong();
        String[] options = {"c" + secure.nextLong(), candidate};
        csrfToken = options[0]; // ok: java.weak-random-secret
    }

    void nonceVulnerable(Request outgoing) {
        String fast = Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        String strong = Long.toHexString(secure.nextLong());
        outgoing.setNonce(fast); // expect: java.weak-random-secret
    }

    void nonceSafe(Request outgoing) {
        String fast = Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt());
        String strong = Long.toHexString(secure.nextLong());
        outgoing.setNonce(strong); // ok: java.weak-random-secret
    }

    void resetCodeThroughANumber(User user) {
        int code = new java.util.Random().nextInt(1000000);
        user.setResetCode("" + code); // expect: java.weak-random-secret
    }

    void resetCodeThroughASecureNumber(User user) {
        int code = secure.nextInt(1000000);
        user.setResetCode("" + code); // ok: java.weak-random-secret
    }
}
