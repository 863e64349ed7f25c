import java.io.*;
import java.util.*;


import java.security.MessageDigest;

class Passwords {
    byte[] hashPassword(String password) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5"); // expect: java.weak-password-hash
        return md.digest(password.getBytes());
    }

    byte[] checksum(byte[] file) throws Exception {
        MessageDigest legacy = MessageDigest.getInstance("MD5"); // ok: java.weak-password-hash
        MessageDigest strong = MessageDigest.getInstance("SHA-256"); // ok: java.weak-password-hash
        legacy.update(file);
        return strong.digest(file);
    }
}
