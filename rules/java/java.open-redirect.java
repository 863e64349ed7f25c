import java.io.*;
import java.util.*;


class LoginController {
    String done(String next, javax.servlet.http.HttpServletRequest request, javax.servlet.http.HttpServletResponse response) throws IOException {
        response.sendRedirect(request.getParameter("next")); // expect: java.open-redirect
        response.sendRedirect("/dashboard"); // ok: java.open-redirect
        String target = request.getParameter("target");
        response.sendRedirect(target); // expect: java.open-redirect
        if (next != null) return "redirect:" + next; // expect: java.open-redirect
        return "redirect:/users/" + next; // ok: java.open-redirect
    }
}
