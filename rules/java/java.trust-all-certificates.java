import java.io.*;
import java.util.*;


import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

class TrustAll implements X509TrustManager {
    public void checkClientTrusted(X509Certificate[] chain, String authType) { // expect: java.trust-all-certificates
    }

    public void checkServerTrusted(X509Certificate[] chain, String authType) { // expect: java.trust-all-certificates
        // trust everyone
    }

    public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
}

class Pinned {
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException { // ok: java.trust-all-certificates
        if (chain.length == 0) throw new java.security.cert.CertificateException("empty chain");
    }
}
