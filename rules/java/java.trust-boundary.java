import java.util.*;
import javax.servlet.http.*;
import org.springframework.web.bind.annotation.*;

class Preferences extends HttpServlet {
    private static final Set<String> THEMES = Set.of("light", "dark");

    void directVulnerable(HttpServletRequest request) {
        request.getSession().setAttribute("role", request.getParameter("role")); // expect: java.trust-boundary
    }

    void directSafe(HttpServletRequest request) {
        String role = request.getParameter("role");
        role = "viewer";
        request.getSession().setAttribute("role", role); // ok: java.trust-boundary
    }

    void nameVulnerable(HttpServletRequest request) {
        String key = request.getParameter("key");
        request.getSession().setAttribute(key, "10340"); // expect: java.trust-boundary
    }

    void nameSafe(HttpServletRequest request) {
        String key = request.getParameter("key");
        request.getSession().setAttribute("lastKeyLength", key.length()); // ok: java.trust-boundary
    }

    @PostMapping("/theme")
    void springVulnerable(@RequestParam("theme") String theme, HttpSession session) {
        session.setAttribute("theme", theme); // expect: java.trust-boundary
    }

    @PostMapping("/theme/checked")
    void springSafe(@RequestParam("theme") String theme, HttpSession session) {
        if (THEMES.contains(theme)) {
            session.setAttribute("theme", theme); // ok: java.trust-boundary
        }
    }

    void legacyVulnerable(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        String[] values = request.getParameterValues("tag");
        session.putValue("firstTag", values[0]); // expect: java.trust-boundary
    }

    void legacySafe(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        String[] values = {"default", request.getParameter("tag")};
        session.putValue("firstTag", values[0]); // ok: java.trust-boundary
    }

    String label(String value) { return "user:" + value; }
    String guestLabel(String value) { return "user:guest"; }

    void helperVulnerable(HttpServletRequest request) {
        HttpSession session = request.getSession();
        session.setAttribute("label", label(request.getHeader("X-User"))); // expect: java.trust-boundary
    }

    void helperSafe(HttpServletRequest request) {
        HttpSession session = request.getSession();
        session.setAttribute("label", guestLabel(request.getHeader("X-User"))); // ok: java.trust-boundary
    }
}
