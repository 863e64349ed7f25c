import java.io.*;
import java.util.*;


class Auth {
    void login(String user, String password, org.slf4j.Logger log) {
        log.info("login {} with {}", user, password); // expect: java.logging-sensitive-data
        System.out.println("password for " + user + ": " + password); // expect: java.logging-sensitive-data
        log.warn("invalid password for {}", user); // ok: java.logging-sensitive-data
    }
}
