package com.example.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;

public class TokenService {
    private final SecureRandom secureRandom = new SecureRandom();

    public String generateResetToken() {
        return Long.toHexString(new Random().nextLong());
    }

    public String generateSessionKey() {
        byte[] bytes = new byte[32];
        secureRandom.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public void revoke(String token, Runnable store) {
        try {
            store.run();
        } catch (Throwable t) {
            System.out.println("revoke failed");
        }
    }
}
