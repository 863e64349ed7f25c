import java.io.*;
import java.util.*;


import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSession;

class Http {
    void configure() {
        HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true); // expect: java.hostname-verifier-all
        var verifier = org.apache.http.conn.ssl.NoopHostnameVerifier.INSTANCE; // ok: java.hostname-verifier-all
        HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> hostname.endsWith(".example.com")); // ok: java.hostname-verifier-all
    }

    public boolean verify(String hostname, SSLSession session) { // expect: java.hostname-verifier-all
        return true;
    }
}
