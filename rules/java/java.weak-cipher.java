import java.util.*;
import javax.crypto.Cipher;

class Vault {
    private final Properties props = new Properties();
    private String transformation;

    Cipher directVulnerable() throws Exception {
        return Cipher.getInstance("DES/CBC/PKCS5Padding"); // expect: java.weak-cipher
    }

    Cipher directSafe() throws Exception {
        String name = "DES/CBC/PKCS5Padding";
        name = "AES/GCM/NoPadding";
        return Cipher.getInstance(name); // ok: java.weak-cipher
    }

    Cipher propertyVulnerable() throws Exception {
        String name = props.getProperty("cryptoAlg1", "DESede/ECB/PKCS5Padding");
        return Cipher.getInstance(name); // expect: java.weak-cipher
    }

    Cipher propertySafe() throws Exception {
        String name = props.getProperty("cryptoAlg1", "AES/GCM/NoPadding");
        return Cipher.getInstance(name); // ok: java.weak-cipher
    }

    Cipher listVulnerable() throws Exception {
        List<String> names = new ArrayList<>();
        names.add("AES");
        names.add("AES/GCM/NoPadding");
        return Cipher.getInstance(names.get(0), "SunJCE"); // expect: java.weak-cipher
    }

    Cipher listSafe() throws Exception {
        List<String> names = new ArrayList<>();
        names.add("AES");
        names.add("AES/GCM/NoPadding");
        return Cipher.getInstance(names.get(1), "SunJCE"); // ok: java.weak-cipher
    }

    String pass(String value) { return value; }
    String modern(String value) { return "ChaCha20-Poly1305"; }

    Cipher helperVulnerable() throws Exception {
        return javax.crypto.Cipher.getInstance(pass("RC4")); // expect: java.weak-cipher
    }

    Cipher helperSafe() throws Exception {
        return javax.crypto.Cipher.getInstance(modern("RC4")); // ok: java.weak-cipher
    }

    void legacy() {
        transformation = "Blowfish";
    }

    Cipher fieldVulnerable() throws Exception {
        return Cipher.getInstance(transformation); // expect: java.weak-cipher
    }

    Cipher switchSafe() throws Exception {
        String name = "AES/GCM/NoPadding";
        char mode = "GCM".charAt(0);
        switch (mode) {
            case 'E': name = "AES/ECB/PKCS5Padding"; break;
            default: break;
        }
        return Cipher.getInstance(name); // ok: java.weak-cipher
    }

    Cipher switchVulnerable() throws Exception {
        String name = "AES/GCM/NoPadding";
        char mode = "ECB".charAt(0);
        switch (mode) {
            case 'E': name = "AES/ECB/PKCS5Padding"; break;
            default: break;
        }
        return Cipher.getInstance(name); // expect: java.weak-cipher
    }
}
