package com.example.accounts;

import java.io.File;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Base64;
import java.util.Random;
import javax.crypto.Cipher;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class AccountController {
    private static final String ADMIN_PASSWORD = "Adm1n-2024!"; // expect: secret.generic-credential
    private final SecureRandom secureRandom = new SecureRandom();
    private final Connection connection;

    public AccountController(Connection connection) {
        this.connection = connection;
    }

    public ResultSet find(String email) throws Exception {
        PreparedStatement statement = connection.prepareStatement("SELECT * FROM accounts WHERE email = ?");
        statement.setString(1, email);
        return statement.executeQuery();
    }

    public ResultSet search(HttpServletRequest request) throws Exception {
        Statement statement = connection.createStatement();
        return statement.executeQuery("SELECT * FROM accounts WHERE name LIKE '%" + request.getParameter("q") + "%'"); // expect: java.sql-injection
    }

    public void avatar(HttpServletRequest request, HttpServletResponse response) throws IOException {
        File file = new File("/srv/avatars/" + request.getParameter("file")); // expect: java.path-traversal
        response.getWriter().write("<p>Hello " + request.getParameter("name") + "</p>"); // expect: java.xss
    }

    public String resetToken() {
        return Long.toHexString(new Random().nextLong()); // expect: java.weak-random-secret, java.weak-random
    }

    public String apiKey() {
        byte[] bytes = new byte[32];
        secureRandom.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public byte[] hashPassword(String password) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-1"); // expect: java.weak-password-hash, java.weak-hash
        return digest.digest(password.getBytes());
    }

    public byte[] encrypt(byte[] key, byte[] data) throws Exception {
        Cipher cipher = Cipher.getInstance("AES"); // expect: java.weak-cipher
        Cipher good = Cipher.getInstance("AES/GCM/NoPadding");
        return data;
    }

    public void close() {
        try {
            connection.close();
        } catch (Exception e) { // expect: java.catch-only-logs
            e.printStackTrace();
        }
    }

    public void audit(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) { // expect: java.catch-throwable
            throw new IllegalStateException("audit failed", t);
        }
    }

    public void redirect(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getParameter("returnUrl")); // expect: java.open-redirect
    }
}
