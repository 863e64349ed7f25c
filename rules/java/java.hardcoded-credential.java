import java.io.*;
import java.util.*;


class Settings {
    private static final String DB_PASSWORD = "Pr0d-Passw0rd!"; // expect: java.hardcoded-credential
    private final String apiKey = System.getenv("API_KEY"); // ok: java.hardcoded-credential
    private final String passwordField = "password"; // ok: java.hardcoded-credential
    private final String token = "<TOKEN>"; // ok: java.hardcoded-credential

    void connect() {
        String jwtSecret = "s3cr3t-signing-key"; // expect: java.hardcoded-credential
    }

    // The name of the system property that holds the password, not the password.
    static final String PROXY_PASSWORD = "net.proxy.password"; // ok: java.hardcoded-credential
    static final String API_KEY = "team.service.key-9f2c81d04a"; // expect: java.hardcoded-credential
}
