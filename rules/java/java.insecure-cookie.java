import javax.servlet.http.*;

class Remember extends HttpServlet {
    void bare(HttpServletResponse response, String value) {
        Cookie cookie = new Cookie("remember", value);
        cookie.setPath("/");
        response.addCookie(cookie); // expect: java.insecure-cookie
    }

    void both(HttpServletResponse response, String value) {
        Cookie cookie = new Cookie("remember", value);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        response.addCookie(cookie); // ok: java.insecure-cookie
    }

    void noHttpOnly(HttpServletResponse response, String value) {
        Cookie cookie = new Cookie("theme", value);
        cookie.setSecure(true);
        response.addCookie(cookie); // expect: java.insecure-cookie
    }

    void secureOff(HttpServletResponse response, String value) {
        javax.servlet.http.Cookie cookie = new javax.servlet.http.Cookie("session", value);
        cookie.setSecure(false);
        cookie.setHttpOnly(true);
        response.addCookie(cookie); // expect: java.insecure-cookie
    }

    void inline(HttpServletResponse response, String value) {
        response.addCookie(new Cookie("lang", value)); // expect: java.insecure-cookie
    }

    Cookie hardened(String name, String value) {
        Cookie cookie = new Cookie(name, value);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        return cookie;
    }

    void fromHelper(HttpServletResponse response, String value) {
        Cookie cookie = hardened("lang", value);
        response.addCookie(cookie); // ok: java.insecure-cookie
    }

    void configured(HttpServletResponse response, String value, boolean secureOnly) {
        Cookie cookie = new Cookie("remember", value);
        cookie.setSecure(secureOnly);
        cookie.setHttpOnly(true);
        response.addCookie(cookie); // ok: java.insecure-cookie
    }

    void noHttpOnlyFixed(HttpServletResponse response, String value) {
        Cookie cookie = new Cookie("theme", value);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        response.addCookie(cookie); // ok: java.insecure-cookie
    }

    void secureOffFixed(HttpServletResponse response, String value) {
        javax.servlet.http.Cookie cookie = new javax.servlet.http.Cookie("session", value);
        cookie.setSecure(true);
        cookie.setHttpOnly(true);
        response.addCookie(cookie); // ok: java.insecure-cookie
    }

    void inlineFixed(HttpServletResponse response, String value) {
        response.addCookie(hardened("lang", value)); // ok: java.insecure-cookie
    }
}
