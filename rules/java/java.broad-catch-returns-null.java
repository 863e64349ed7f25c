import java.io.*;
import java.nio.file.*;
import java.util.*;


class UserRepository {
    String readProfile(Path path) {
        try {
            return Files.readString(path);
        } catch (Exception e) { // expect: java.broad-catch-returns-null
            return null;
        }
    }

    // java.catch-throwable reports this one: a catch is reported once.
    String readToken(Path path) {
        try {
            return Files.readString(path).trim();
        } catch (Throwable t) { // ok: java.broad-catch-returns-null
            // the token is optional
            return null;
        }
    }

    Map<String, String> parse(String json, org.slf4j.Logger log) {
        try {
            return Map.of("raw", json);
        } catch (IllegalStateException | RuntimeException e) { // expect: java.broad-catch-returns-null
            log.warn("could not parse settings", e);
            return null;
        }
    }

    Integer parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) { // ok: java.broad-catch-returns-null
            return null;
        }
    }

    String readOrFail(Path path) {
        try {
            return Files.readString(path);
        } catch (Exception e) { // ok: java.broad-catch-returns-null
            throw new UncheckedIOException(new IOException(e));
        }
    }

    String readOrDefault(Path path) {
        try {
            return Files.readString(path);
        } catch (Exception e) { // ok: java.broad-catch-returns-null
            metrics.increment("profile.read.failed");
            if (path.startsWith("/tmp")) {
                return null;
            }
            throw new IllegalStateException(e);
        }
    }
}
