import java.net.URI;
import java.util.*;
import javax.servlet.http.*;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.*;
import org.springframework.web.servlet.view.RedirectView;

class LoginFlow extends HttpServlet {
    private static final Set<String> PAGES = Set.of("/home", "/account", "/orders");

    void directVulnerable(HttpServletRequest request, HttpServletResponse response) throws Exception {
        response.sendRedirect(request.getParameter("returnUrl")); // expect: java.open-redirect
    }

    void directSafe(HttpServletRequest request, HttpServletResponse response) throws Exception {
        String target = request.getParameter("returnUrl");
        if (!PAGES.contains(target)) {
            target = "/home";
        }
        response.sendRedirect(target); // ok: java.open-redirect
    }

    void allowSafe(HttpServletRequest request, HttpServletResponse response) throws Exception {
        String target = request.getParameter("returnUrl");
        if (!PAGES.contains(target)) {
            return;
        }
        response.sendRedirect(target); // ok: java.open-redirect
    }

    @GetMapping("/done")
    String springVulnerable(@RequestParam("next") String next) {
        return "redirect:" + next; // expect: java.open-redirect
    }

    @GetMapping("/done/home")
    String springSafe(@RequestParam("next") String next) {
        String page = "/home";
        return "redirect:" + page; // ok: java.open-redirect
    }

    @GetMapping("/go")
    RedirectView viewVulnerable(@RequestHeader("Referer") String referer) {
        return new RedirectView(referer); // expect: java.open-redirect
    }

    @GetMapping("/go/back")
    RedirectView viewSafe(@RequestHeader("Referer") String referer) {
        Map<String, String> choices = new HashMap<>();
        choices.put("back", referer);
        choices.put("home", "/home");
        return new RedirectView(choices.get("home")); // ok: java.open-redirect
    }

    void headerVulnerable(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(302);
        response.setHeader("Location", "https://" + request.getHeader("X-Forwarded-Host") + "/"); // expect: java.open-redirect
    }

    void headerSafe(HttpServletRequest request, HttpServletResponse response) {
        response.setStatus(302);
        response.setHeader("Location", "https://shop.example.com/"); // ok: java.open-redirect
    }

    String back(String url) { return url; }
    String home(String url) { return "/home"; }

    @PostMapping("/logout")
    ResponseEntity<Void> helperVulnerable(@RequestParam("to") String to) {
        return ResponseEntity.status(303).location(URI.create(back(to))).build(); // expect: java.open-redirect
    }

    @PostMapping("/logout/home")
    ResponseEntity<Void> helperSafe(@RequestParam("to") String to) {
        return ResponseEntity.status(303).location(URI.create(home(to))).build(); // ok: java.open-redirect
    }
}
