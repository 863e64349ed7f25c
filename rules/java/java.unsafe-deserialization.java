import java.beans.XMLDecoder;
import java.io.*;
import java.net.Socket;
import java.util.*;
import javax.servlet.http.*;
import org.springframework.web.bind.annotation.*;
import org.yaml.snakeyaml.Yaml;

class SessionStore extends HttpServlet {
    private static final byte[] DEFAULTS = new byte[] {(byte) 0xac, (byte) 0xed, 0, 5};
    private static final String DEFAULT_CONFIG = "retries: 3";

    Object streamVulnerable(HttpServletRequest request) throws Exception {
        ObjectInputStream in = new ObjectInputStream(request.getInputStream()); // expect: java.unsafe-deserialization
        return in.readObject();
    }

    Object streamSafe(HttpServletRequest request) throws Exception {
        ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(DEFAULTS)); // ok: java.unsafe-deserialization
        return in.readObject();
    }

    Object cookieVulnerable(HttpServletRequest request) throws Exception {
        String encoded = request.getCookies()[0].getValue();
        byte[] raw = Base64.getDecoder().decode(encoded);
        return new ObjectInputStream(new ByteArrayInputStream(raw)).readObject(); // expect: java.unsafe-deserialization
    }

    Object cookieSafe(HttpServletRequest request) throws Exception {
        String encoded = request.getCookies()[0].getValue();
        encoded = "rO0ABXQAA2Zvbw==";
        byte[] raw = Base64.getDecoder().decode(encoded);
        return new ObjectInputStream(new ByteArrayInputStream(raw)).readObject(); // ok: java.unsafe-deserialization
    }

    @PostMapping("/import")
    Object xmlVulnerable(@RequestBody String body) {
        XMLDecoder decoder = new XMLDecoder(new ByteArrayInputStream(body.getBytes())); // expect: java.unsafe-deserialization
        return decoder.readObject();
    }

    @PostMapping("/import/defaults")
    Object xmlSafe(@RequestBody String body) {
        String xml = "<java><string>" + body.length() + "</string></java>";
        XMLDecoder decoder = new XMLDecoder(new ByteArrayInputStream(xml.getBytes())); // ok: java.unsafe-deserialization
        return decoder.readObject();
    }

    Object socketVulnerable(Socket socket) throws Exception {
        InputStream raw = socket.getInputStream();
        return new ObjectInputStream(raw).readObject(); // expect: java.unsafe-deserialization
    }

    Object socketSafe(Socket socket) throws Exception {
        InputStream raw = socket.getInputStream();
        raw = new ByteArrayInputStream(DEFAULTS);
        return new ObjectInputStream(raw).readObject(); // ok: java.unsafe-deserialization
    }

    String orDefault(String value) { return value; }
    String defaults(String value) { return DEFAULT_CONFIG; }

    Object yamlVulnerable(HttpServletRequest request) {
        Yaml yaml = new Yaml();
        return yaml.load(orDefault(request.getParameter("config"))); // expect: java.unsafe-deserialization
    }

    Object yamlSafe(HttpServletRequest request) {
        Yaml yaml = new Yaml();
        return yaml.load(defaults(request.getParameter("config"))); // ok: java.unsafe-deserialization
    }

    Object qualifiedVulnerable(HttpServletRequest request) throws Exception {
        java.io.InputStream body = request.getInputStream();
        return new java.io.ObjectInputStream(body).readObject(); // expect: java.unsafe-deserialization
    }

    Object qualifiedSafe(HttpServletRequest request) throws Exception {
        java.io.InputStream body = request.getInputStream();
        body = new ByteArrayInputStream(DEFAULTS);
        return new java.io.ObjectInputStream(body).readObject(); // ok: java.unsafe-deserialization
    }
}
class SafeYaml extends HttpServlet {
    Object yamlSafe(HttpServletRequest request) {
        Yaml yaml = new Yaml(new org.yaml.snakeyaml.constructor.SafeConstructor(new LoaderOptions()));
        return yaml.load(request.getParameter("config")); // ok: java.unsafe-deserialization
    }
}
