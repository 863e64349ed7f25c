import java.io.*;
import java.util.*;
import javax.servlet.http.*;
import org.owasp.encoder.Encode;
import org.springframework.web.util.HtmlUtils;

class Greeting extends HttpServlet {
    private String banner;

    void directVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write("<p>Hello " + request.getParameter("name") + "</p>"); // expect: java.xss
    }

    void directSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write("<p>Hello " + Encode.forHtml(request.getParameter("name")) + "</p>"); // ok: java.xss
    }

    void writerVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = response.getWriter();
        String query = request.getQueryString();
        out.println("<div>Results for " + query + "</div>"); // expect: java.xss
    }

    void writerSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PrintWriter out = response.getWriter();
        String query = HtmlUtils.htmlEscape(request.getQueryString());
        out.println("<div>Results for " + query + "</div>"); // ok: java.xss
    }

    void formatVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String agent = request.getHeader("User-Agent");
        response.getWriter().printf("<footer>%s</footer>", agent); // expect: java.xss
    }

    void formatSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String agent = request.getHeader("User-Agent");
        response.getWriter().printf("<footer>%d</footer>", agent.length()); // ok: java.xss
    }

    void cookieVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Cookie[] cookies = request.getCookies();
        String theme = cookies[0].getValue();
        response.getWriter().print("<body class='" + theme + "'>"); // expect: java.xss
    }

    void cookieSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Cookie[] cookies = request.getCookies();
        String theme = cookies[0].getValue();
        boolean dark = true;
        if (dark) {
            theme = "dark";
        }
        response.getWriter().print("<body class='" + theme + "'>"); // ok: java.xss
    }

    void store(HttpServletRequest request) {
        banner = request.getParameter("banner");
    }

    void fieldVulnerable(HttpServletResponse response) throws IOException {
        response.getWriter().append(banner); // expect: java.xss
    }

    void fieldSafe(HttpServletResponse response) throws IOException {
        response.getWriter().append(Encode.forHtmlContent(banner)); // ok: java.xss
    }

    String bold(String text) { return "<b>" + text + "</b>"; }
    String placeholder(String text) { return "<b>anonymous</b>"; }

    void helperVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write(bold(request.getParameter("user"))); // expect: java.xss
    }

    void helperSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.getWriter().write(placeholder(request.getParameter("user"))); // ok: java.xss
    }

    void encodedVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        response.getWriter().write("<p>" + id.toUpperCase() + "</p>"); // expect: java.xss
    }

    void encodedSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        response.getWriter().write("<p>" + Base64.getEncoder().encodeToString(id.getBytes()) + "</p>"); // ok: java.xss
    }

    void qualifiedVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String bar = request.getParameter("q").trim();
        response.getWriter().println(bar); // expect: java.xss
    }

    void qualifiedSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String bar = org.springframework.web.util.HtmlUtils.htmlEscape(request.getParameter("q").trim());
        response.getWriter().println(bar); // ok: java.xss
    }

    void alphanumericVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getParameter("prefix");
        response.getWriter().println("<h2>Tags starting with " + prefix + "</h2>"); // expect: java.xss
    }

    void alphanumericSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getParameter("prefix");
        if (!org.apache.commons.lang3.StringUtils.isAlphanumeric(prefix)) {
            response.sendError(400);
            return;
        }
        response.getWriter().println("<h2>Tags starting with " + prefix + "</h2>"); // ok: java.xss
    }

    static String escapeHtml(String text) { return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"); }

    void ownEscaperVulnerable(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String comment = request.getParameter("comment");
        response.getWriter().print("<blockquote>" + comment + "</blockquote>"); // expect: java.xss
    }

    void ownEscaperSafe(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String comment = escapeHtml(request.getParameter("comment"));
        response.getWriter().print("<blockquote>" + comment + "</blockquote>"); // ok: java.xss
    }
}
