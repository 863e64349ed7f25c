import java.net.*;
import java.net.http.*;
import java.util.*;
import javax.servlet.http.*;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.client.RestTemplate;

class Proxy extends HttpServlet {
    private final RestTemplate rest = new RestTemplate();
    private static final Set<String> FEEDS = Set.of("https://feeds.example.com/news", "https://feeds.example.com/blog");
    private static final Map<String, String> SERVICES = Map.of("billing", "https://billing.internal/api");

    Object directVulnerable(HttpServletRequest request) throws Exception {
        return new URL(request.getParameter("url")).openStream(); // expect: java.ssrf
    }

    Object directSafe(HttpServletRequest request) throws Exception {
        return rest.getForObject("https://api.example.com/items?q={q}", String.class, request.getParameter("q")); // ok: java.ssrf
    }

    @GetMapping("/fetch")
    String springVulnerable(@RequestParam("target") String target) {
        return rest.getForObject(target, String.class); // expect: java.ssrf
    }

    @GetMapping("/fetch/feed")
    String springSafe(@RequestParam("target") String target) {
        if (!FEEDS.contains(target)) {
            return "";
        }
        return rest.getForObject(target, String.class); // ok: java.ssrf
    }

    Object builderVulnerable(HttpServletRequest request) throws Exception {
        String host = request.getHeader("X-Backend");
        HttpRequest call = HttpRequest.newBuilder(URI.create("http://" + host + "/status")).build(); // expect: java.ssrf
        return HttpClient.newHttpClient().send(call, HttpResponse.BodyHandlers.ofString());
    }

    Object builderSafe(HttpServletRequest request) throws Exception {
        String host = request.getHeader("X-Backend");
        host = "status.internal";
        HttpRequest call = HttpRequest.newBuilder(URI.create("http://" + host + "/status")).build(); // ok: java.ssrf
        return HttpClient.newHttpClient().send(call, HttpResponse.BodyHandlers.ofString());
    }

    Object mapVulnerable(HttpServletRequest request) throws Exception {
        Map<String, String> targets = new HashMap<>();
        targets.put("user", request.getParameter("callback"));
        targets.put("fixed", "https://hooks.example.com/ping");
        return rest.postForObject(targets.get("user"), "ping", String.class); // expect: java.ssrf
    }

    Object mapSafe(HttpServletRequest request) throws Exception {
        Map<String, String> targets = new HashMap<>();
        targets.put("user", request.getParameter("callback"));
        targets.put("fixed", "https://hooks.example.com/ping");
        return rest.postForObject(targets.get("fixed"), "ping", String.class); // ok: java.ssrf
    }

    String serviceUrl(String name) { return "https://" + name + ".internal/api"; }
    String billingUrl(String name) { return "https://billing.internal/api"; }

    Object helperVulnerable(HttpServletRequest request) throws Exception {
        return new URL(serviceUrl(request.getParameter("service"))).openConnection(); // expect: java.ssrf
    }

    Object helperSafe(HttpServletRequest request) throws Exception {
        return new URL(billingUrl(request.getParameter("service"))).openConnection(); // ok: java.ssrf
    }

    String parseOnly(HttpServletRequest request) throws Exception {
        URL url = new URL(request.getParameter("url"));
        return url.getHost(); // ok: java.ssrf
    }

    Object putVulnerable(HttpServletRequest request) {
        String target = request.getParameter("target");
        Map<String, String> seen = new HashMap<>();
        seen.put(target, "pending");
        rest.put(target, "ping"); // expect: java.ssrf
        return seen;
    }

    Object putSafe(HttpServletRequest request) {
        String target = request.getParameter("target");
        Map<String, String> seen = new HashMap<>();
        seen.put(target, "pending"); // ok: java.ssrf
        rest.put("https://hooks.example.com/ping", "ping");
        return seen;
    }
}
