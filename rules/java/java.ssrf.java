import java.io.*;
import java.util.*;


class Proxy {
    Object fetch(javax.servlet.http.HttpServletRequest request, org.springframework.web.client.RestTemplate rest) throws Exception {
        var url = new java.net.URL(request.getParameter("url")); // expect: java.ssrf
        var body = rest.getForObject(request.getParameter("target"), String.class); // expect: java.ssrf
        var fixed = rest.getForObject("https://api.example.com/items?q={q}", String.class, request.getParameter("q")); // ok: java.ssrf
        String hook = request.getParameter("hook");
        var response = rest.postForObject(hook, "ping", String.class); // expect: java.ssrf
        return List.of(url, body, fixed, response);
    }
}
