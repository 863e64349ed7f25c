import java.io.*;
import java.util.*;


class GreetServlet {
    void doGet(javax.servlet.http.HttpServletRequest request, javax.servlet.http.HttpServletResponse response) throws IOException {
        response.getWriter().write("<h1>Hello " + request.getParameter("name") + "</h1>"); // expect: java.xss-response-writer
        PrintWriter out = response.getWriter();
        out.println(request.getParameter("q")); // expect: java.xss-response-writer
        out.println(org.owasp.encoder.Encode.forHtml(request.getParameter("q"))); // ok: java.xss-response-writer
        out.println("<p>static</p>"); // ok: java.xss-response-writer
        String user = request.getParameter("user");
        out.print("<b>" + user + "</b>"); // expect: java.xss-response-writer
    }
}
