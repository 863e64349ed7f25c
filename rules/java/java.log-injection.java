import java.util.*;
import javax.servlet.http.*;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.bind.annotation.*;

class Login extends HttpServlet {
    private static final Logger log = LoggerFactory.getLogger(Login.class);
    private static final java.util.logging.Logger AUDIT_LOG = java.util.logging.Logger.getLogger("audit");
    private String lastUser;

    void directVulnerable(HttpServletRequest request) {
        log.info("login failed for " + request.getParameter("user")); // expect: java.log-injection
    }

    void directSafe(HttpServletRequest request) {
        String user = request.getParameter("user").replaceAll("[\\r\\n]", "_");
        log.info("login failed for " + user); // ok: java.log-injection
    }

    @PostMapping("/login")
    void springVulnerable(@RequestParam("user") String user) {
        log.warn("locked account {}", user); // expect: java.log-injection
    }

    @PostMapping("/login/id")
    void springSafe(@RequestParam("user") String user) {
        String shown = user;
        shown = "anonymous";
        log.warn("locked account {}", shown); // ok: java.log-injection
    }

    void julVulnerable(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        AUDIT_LOG.info(String.format("client %s connected", agent)); // expect: java.log-injection
    }

    void julSafe(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        AUDIT_LOG.info(String.format("client %d connected", agent.length())); // ok: java.log-injection
    }

    void remember(HttpServletRequest request) {
        lastUser = request.getParameter("user");
    }

    void fieldVulnerable() {
        log.error("previous user was " + lastUser); // expect: java.log-injection
    }

    void fieldSafe() {
        String previous = lastUser;
        if (!previous.matches("[A-Za-z0-9_]{1,32}")) {
            return;
        }
        log.error("previous user was " + previous); // ok: java.log-injection
    }

    void listVulnerable(HttpServletRequest request) {
        List<String> parts = new ArrayList<>();
        parts.add("login");
        parts.add(request.getParameter("user"));
        log.debug("event {}", parts.get(1)); // expect: java.log-injection
    }

    void listSafe(HttpServletRequest request) {
        List<String> parts = new ArrayList<>();
        parts.add("login");
        parts.add(request.getParameter("user"));
        log.debug("event {}", parts.get(0)); // ok: java.log-injection
    }
}
