import java.io.*;
import java.nio.file.*;
import java.util.*;
import javax.servlet.http.*;
import org.apache.commons.io.FilenameUtils;
import org.springframework.web.bind.annotation.*;

class Avatars extends HttpServlet {
    private static final Path BASE = Paths.get("/srv/avatars");
    private static final Set<String> REPORTS = Set.of("daily.csv", "weekly.csv");

    byte[] directVulnerable(HttpServletRequest request) throws IOException {
        return Files.readAllBytes(BASE.resolve(request.getParameter("file"))); // expect: java.path-traversal
    }

    byte[] directSafe(HttpServletRequest request) throws IOException {
        Path p = BASE.resolve(request.getParameter("file")).normalize();
        if (!p.startsWith(BASE)) {
            throw new IllegalArgumentException("outside the avatar folder");
        }
        return Files.readAllBytes(p); // ok: java.path-traversal
    }

    InputStream streamVulnerable(HttpServletRequest request) throws IOException {
        String name = request.getParameter("name");
        return new FileInputStream("/srv/uploads/" + name); // expect: java.path-traversal
    }

    InputStream streamSafe(HttpServletRequest request) throws IOException {
        String name = FilenameUtils.getName(request.getParameter("name"));
        return new FileInputStream("/srv/uploads/" + name); // ok: java.path-traversal
    }

    @GetMapping("/reports/{name}")
    File springVulnerable(@PathVariable("name") String name) throws IOException {
        File report = new File("/srv/reports", name); // expect: java.path-traversal
        return report;
    }

    @GetMapping("/reports/checked/{name}")
    File springSafe(@PathVariable("name") String name) throws IOException {
        if (!REPORTS.contains(name)) {
            return null;
        }
        File report = new File("/srv/reports", name); // ok: java.path-traversal
        return report;
    }

    void writeVulnerable(HttpServletRequest request) throws IOException {
        String[] parts = {"/tmp/exports/", request.getHeader("X-Export")};
        try (FileWriter out = new FileWriter(parts[0] + parts[1])) { // expect: java.path-traversal
            out.write("done");
        }
    }

    void writeSafe(HttpServletRequest request) throws IOException {
        String[] parts = {"/tmp/exports/", request.getHeader("X-Export")};
        try (FileWriter out = new FileWriter(parts[0] + "latest.txt")) { // ok: java.path-traversal
            out.write("done");
        }
    }

    String inUploads(String name) { return "/srv/uploads/" + name; }
    String defaultUpload(String name) { return "/srv/uploads/default.png"; }

    void helperVulnerable(HttpServletRequest request) throws IOException {
        Files.delete(Paths.get(inUploads(request.getParameter("victim")))); // expect: java.path-traversal
    }

    void helperSafe(HttpServletRequest request) throws IOException {
        Files.delete(Paths.get(defaultUpload(request.getParameter("victim")))); // ok: java.path-traversal
    }

    String numberVulnerable(HttpServletRequest request) throws IOException {
        String id = request.getParameter("doc");
        Path target = Paths.get("/srv/docs").resolve(id + ".txt");
        return Files.readString(target); // expect: java.path-traversal
    }

    String numberSafe(HttpServletRequest request) throws IOException {
        String id = String.valueOf(Integer.parseInt(request.getParameter("doc")));
        Path target = Paths.get("/srv/docs").resolve(id + ".txt");
        return Files.readString(target); // ok: java.path-traversal
    }

    InputStream canonicalVulnerable(HttpServletRequest request) throws IOException {
        File f = new File("/srv/docs", request.getParameter("doc").trim()).getCanonicalFile();
        return new FileInputStream(f); // expect: java.path-traversal
    }

    InputStream canonicalSafe(HttpServletRequest request) throws IOException {
        File f = new File("/srv/docs", request.getParameter("doc").trim()).getCanonicalFile();
        if (!f.getPath().startsWith("/srv/docs/")) {
            throw new SecurityException("outside the document folder");
        }
        return new FileInputStream(f); // ok: java.path-traversal
    }

    InputStream dotsVulnerable(HttpServletRequest request) throws IOException {
        String name = request.getParameter("name");
        return new FileInputStream("/srv/uploads/" + name); // expect: java.path-traversal
    }

    InputStream dotsSafe(HttpServletRequest request) throws IOException {
        String name = request.getParameter("name");
        if (name.contains("..") || name.contains("/")) {
            return null;
        }
        return new FileInputStream("/srv/uploads/" + name); // ok: java.path-traversal
    }

    InputStream qualifiedVulnerable(HttpServletRequest request) throws IOException {
        String name = request.getParameter("name");
        return new java.io.FileInputStream(new java.io.File("/srv/uploads", name).getCanonicalFile()); // expect: java.path-traversal
    }

    InputStream qualifiedSafe(HttpServletRequest request) throws IOException {
        String name = org.apache.commons.io.FilenameUtils.getName(request.getParameter("name"));
        return new java.io.FileInputStream(new java.io.File("/srv/uploads", name).getCanonicalFile()); // ok: java.path-traversal
    }
}
