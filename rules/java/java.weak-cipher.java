import java.io.*;
import java.util.*;


import javax.crypto.Cipher;

class Crypto {
    void ciphers() throws Exception {
        Cipher des = Cipher.getInstance("DES/CBC/PKCS5Padding"); // expect: java.weak-cipher
        Cipher ecb = Cipher.getInstance("AES"); // expect: java.weak-cipher
        Cipher explicitEcb = Cipher.getInstance("AES/ECB/PKCS5Padding"); // expect: java.weak-cipher
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding"); // ok: java.weak-cipher
    }
}
