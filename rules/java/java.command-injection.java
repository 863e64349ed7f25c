import java.io.*;
import java.util.*;
import javax.servlet.http.*;
import org.springframework.web.bind.annotation.*;

class Tools extends HttpServlet {
    private static final Set<String> HOSTS = Set.of("db1.internal", "db2.internal");
    private String target;

    void pingVulnerable(HttpServletRequest request) throws IOException {
        Runtime.getRuntime().exec("ping -c 1 " + request.getParameter("host")); // expect: java.command-injection
    }

    void pingSafe(HttpServletRequest request) throws IOException {
        String host = request.getParameter("host");
        host = "localhost";
        Runtime.getRuntime().exec("ping -c 1 " + host); // ok: java.command-injection
    }

    void shellVulnerable(HttpServletRequest request) throws IOException {
        String host = request.getHeader("X-Host");
        String[] argv = {"sh", "-c", "nslookup " + host};
        Runtime.getRuntime().exec(argv); // expect: java.command-injection
    }

    void shellSafe(HttpServletRequest request) throws IOException {
        String host = request.getHeader("X-Host");
        if (!HOSTS.contains(host)) {
            return;
        }
        String[] argv = {"sh", "-c", "nslookup " + host};
        Runtime.getRuntime().exec(argv); // ok: java.command-injection
    }

    @PostMapping("/convert")
    void builderVulnerable(@RequestParam("name") String name) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("convert");
        args.add(name);
        new ProcessBuilder(args).start(); // expect: java.command-injection
    }

    @PostMapping("/convert/fixed")
    void builderSafe(@RequestParam("name") String name) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("convert");
        args.add(name);
        args.remove(1);
        args.add("default.png");
        ProcessBuilder pb = new ProcessBuilder(); 
        pb.command(args.get(0), args.get(1)); // ok: java.command-injection
    }

    String wrap(String value) { return "tar czf /tmp/out.tgz " + value; }
    String fixedCommand(String value) { return "tar czf /tmp/out.tgz uploads"; }

    void helperVulnerable(HttpServletRequest request) throws IOException {
        Runtime.getRuntime().exec(wrap(request.getParameter("dir"))); // expect: java.command-injection
    }

    void helperSafe(HttpServletRequest request) throws IOException {
        Runtime.getRuntime().exec(fixedCommand(request.getParameter("dir"))); // ok: java.command-injection
    }

    public static void main(String[] args) throws IOException {
        String mode = args[0];
        new ProcessBuilder("sh", "-c", "backup --mode " + mode).start(); // expect: java.command-injection
    }

    void patternSafe(HttpServletRequest request) throws IOException {
        String mode = request.getParameter("mode");
        if (!mode.matches("[a-z]{1,10}")) {
            throw new IllegalArgumentException("bad mode");
        }
        new ProcessBuilder("sh", "-c", "backup --mode " + mode).start(); // ok: java.command-injection
    }

    void remember(HttpServletRequest request) {
        target = request.getParameter("target");
    }

    void fieldVulnerable() throws IOException {
        Runtime.getRuntime().exec("rsync -a /data " + target); // expect: java.command-injection
    }

    void environmentVulnerable() throws IOException {
        String home = System.console().readLine("backup dir: ");
        Runtime.getRuntime().exec(new String[] {"sh", "-c", "ls " + home}); // expect: java.command-injection
    }

    void environmentSafe() throws IOException {
        String home = System.console().readLine("backup dir: ");
        Map<String, String> dirs = new HashMap<>();
        dirs.put("env", home);
        dirs.put("default", "/var/backups");
        Runtime.getRuntime().exec(new String[] {"sh", "-c", "ls " + dirs.get("default")}); // ok: java.command-injection
    }

    void envVulnerable(HttpServletRequest request) throws IOException {
        String[] env = {"LANG=C", "REPORT_TITLE=" + request.getParameter("title")};
        Runtime.getRuntime().exec("/usr/local/bin/report", env); // expect: java.command-injection
    }

    void envSafe(HttpServletRequest request) throws IOException {
        String[] env = {"LANG=C", "REPORT_TITLE=" + request.getParameter("title")};
        String[] fixedEnv = {env[0]};
        Runtime.getRuntime().exec("/usr/local/bin/report", fixedEnv); // ok: java.command-injection
    }
}
