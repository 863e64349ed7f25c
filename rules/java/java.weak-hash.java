import java.security.MessageDigest;
import java.util.*;

class Checksums {
    private final Properties props = new Properties();
    private String configured;

    byte[] directVulnerable(byte[] data) throws Exception {
        String algorithm = "MD5";
        return MessageDigest.getInstance(algorithm).digest(data); // expect: java.weak-hash
    }

    byte[] directSafe(byte[] data) throws Exception {
        String algorithm = "MD5";
        algorithm = "SHA-256";
        return MessageDigest.getInstance(algorithm).digest(data); // ok: java.weak-hash
    }

    byte[] propertyVulnerable(byte[] data) throws Exception {
        String algorithm = props.getProperty("hashAlg1", "SHA1");
        return java.security.MessageDigest.getInstance(algorithm).digest(data); // expect: java.weak-hash
    }

    byte[] propertySafe(byte[] data) throws Exception {
        String fallback = "SHA1";
        String algorithm = props.getProperty("hashAlg1", "SHA-512");
        return java.security.MessageDigest.getInstance(algorithm).digest(data); // ok: java.weak-hash
    }

    byte[] mapVulnerable(byte[] data) throws Exception {
        Map<String, String> algorithms = new HashMap<>();
        algorithms.put("legacy", "md5");
        algorithms.put("current", "SHA-256");
        return MessageDigest.getInstance(algorithms.get("legacy")).digest(data); // expect: java.weak-hash
    }

    byte[] mapSafe(byte[] data) throws Exception {
        Map<String, String> algorithms = new HashMap<>();
        algorithms.put("legacy", "md5");
        algorithms.put("current", "SHA-256");
        return MessageDigest.getInstance(algorithms.get("current")).digest(data); // ok: java.weak-hash
    }

    String same(String name) { return name; }
    String strong(String name) { return "SHA3-256"; }

    byte[] helperVulnerable(byte[] data) throws Exception {
        return MessageDigest.getInstance(same("SHA-1")).digest(data); // expect: java.weak-hash
    }

    byte[] helperSafe(byte[] data) throws Exception {
        return MessageDigest.getInstance(strong("SHA-1")).digest(data); // ok: java.weak-hash
    }

    byte[] branchVulnerable(byte[] data) throws Exception {
        int level = 2;
        String algorithm = level > 3 ? "SHA-256" : "MD5";
        return MessageDigest.getInstance(algorithm, "SUN").digest(data); // expect: java.weak-hash
    }

    byte[] branchSafe(byte[] data) throws Exception {
        int level = 5;
        String algorithm = level > 3 ? "SHA-256" : "MD5";
        return MessageDigest.getInstance(algorithm, "SUN").digest(data); // ok: java.weak-hash
    }

    void configure() {
        configured = "MD5";
    }

    byte[] fieldVulnerable(byte[] data) throws Exception {
        return MessageDigest.getInstance(configured).digest(data); // expect: java.weak-hash
    }
}
