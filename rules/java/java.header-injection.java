import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.*;
import javax.servlet.http.*;
import org.springframework.http.*;
import org.springframework.web.bind.annotation.*;

class Downloads extends HttpServlet {
    private static final Set<String> LANGUAGES = Set.of("en", "de", "fr");

    void directVulnerable(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("X-Request-Source", request.getParameter("source")); // expect: java.header-injection
    }

    void directSafe(HttpServletRequest request, HttpServletResponse response) {
        String source = request.getParameter("source").replaceAll("[\\r\\n]", "");
        response.setHeader("X-Request-Source", source); // ok: java.header-injection
    }

    void dispositionVulnerable(HttpServletRequest request, HttpServletResponse response) {
        String file = request.getParameter("file");
        response.addHeader("Content-Disposition", "attachment; filename=\"" + file + "\""); // expect: java.header-injection
    }

    void dispositionSafe(HttpServletRequest request, HttpServletResponse response) {
        String file = URLEncoder.encode(request.getParameter("file"), StandardCharsets.UTF_8);
        response.addHeader("Content-Disposition", "attachment; filename=\"" + file + "\""); // ok: java.header-injection
    }

    @GetMapping("/lang")
    ResponseEntity<String> springVulnerable(@RequestHeader("Accept-Language") String language) {
        HttpHeaders headers = new HttpHeaders();
        headers.add("Content-Language", language); // expect: java.header-injection
        return new ResponseEntity<>("ok", headers, HttpStatus.OK);
    }

    @GetMapping("/lang/checked")
    ResponseEntity<String> springSafe(@RequestHeader("Accept-Language") String language) {
        HttpHeaders headers = new HttpHeaders();
        if (LANGUAGES.contains(language)) {
            headers.add("Content-Language", language); // ok: java.header-injection
        }
        return new ResponseEntity<>("ok", headers, HttpStatus.OK);
    }

    void branchVulnerable(HttpServletRequest request, HttpServletResponse response) {
        String value = request.getHeader("X-Trace");
        String trace = "none";
        if (value != null) {
            trace = value;
        }
        response.setHeader("X-Trace", trace); // expect: java.header-injection
    }

    void branchSafe(HttpServletRequest request, HttpServletResponse response) {
        String value = request.getHeader("X-Trace");
        String trace = value;
        int level = 3;
        if (level * 2 > 4) {
            trace = "none";
        }
        response.setHeader("X-Trace", trace); // ok: java.header-injection
    }

    String echo(String value) { return value; }
    String constantTag(String value) { return "v1"; }

    void helperVulnerable(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("X-Version", echo(request.getParameter("v"))); // expect: java.header-injection
    }

    void helperSafe(HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("X-Version", constantTag(request.getParameter("v"))); // ok: java.header-injection
    }
}
