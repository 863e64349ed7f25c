import java.util.*;
import javax.naming.*;
import javax.naming.directory.*;
import javax.servlet.http.*;
import org.springframework.ldap.core.LdapTemplate;
import org.springframework.ldap.support.LdapEncoder;
import org.springframework.web.bind.annotation.*;

class Directory extends HttpServlet {
    private DirContext ctx;
    private LdapTemplate ldapTemplate;

    Object directVulnerable(HttpServletRequest request) throws NamingException {
        return ctx.search("ou=people,dc=example,dc=com", "(uid=" + request.getParameter("uid") + ")", new SearchControls()); // expect: java.ldap-injection
    }

    Object directSafe(HttpServletRequest request) throws NamingException {
        Object[] args = {request.getParameter("uid")};
        return ctx.search("ou=people,dc=example,dc=com", "(uid={0})", args, new SearchControls()); // ok: java.ldap-injection
    }

    Object contextVulnerable(HttpServletRequest request) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        DirContext dirContext = new InitialDirContext(env);
        String filter = String.format("(&(objectClass=person)(mail=%s))", request.getHeader("X-Mail"));
        return dirContext.search("dc=example,dc=com", filter, new SearchControls()); // expect: java.ldap-injection
    }

    Object contextSafe(HttpServletRequest request) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        DirContext dirContext = new InitialDirContext(env);
        String mail = LdapEncoder.filterEncode(request.getHeader("X-Mail"));
        String filter = String.format("(&(objectClass=person)(mail=%s))", mail);
        return dirContext.search("dc=example,dc=com", filter, new SearchControls()); // ok: java.ldap-injection
    }

    @GetMapping("/people")
    Object templateVulnerable(@RequestParam("name") String name) {
        StringBuilder filter = new StringBuilder("(cn=");
        filter.append(name).append(")");
        return ldapTemplate.search("ou=people", filter.toString(), (AttributesMapper<String>) attrs -> "x"); // expect: java.ldap-injection
    }

    @GetMapping("/people/all")
    Object templateSafe(@RequestParam("name") String name) {
        StringBuilder filter = new StringBuilder("(cn=");
        filter.append("*").append(")");
        return ldapTemplate.search("ou=people", filter.toString(), (AttributesMapper<String>) attrs -> "x"); // ok: java.ldap-injection
    }

    Object baseVulnerable(HttpServletRequest request) throws NamingException {
        String unit = request.getParameter("unit");
        return ctx.search("ou=" + unit + ",dc=example,dc=com", "(objectClass=person)", new SearchControls()); // expect: java.ldap-injection
    }

    Object baseSafe(HttpServletRequest request) throws NamingException {
        String unit = request.getParameter("unit");
        if (!unit.matches("[a-z]{2,12}")) {
            return null;
        }
        return ctx.search("ou=" + unit + ",dc=example,dc=com", "(objectClass=person)", new SearchControls()); // ok: java.ldap-injection
    }

    String userFilter(String uid) { return "(uid=" + uid + ")"; }
    String everyone(String uid) { return "(objectClass=person)"; }

    Object helperVulnerable(HttpServletRequest request) throws NamingException {
        return ctx.search("dc=example,dc=com", userFilter(request.getParameter("uid")), new SearchControls()); // expect: java.ldap-injection
    }

    Object helperSafe(HttpServletRequest request) throws NamingException {
        return ctx.search("dc=example,dc=com", everyone(request.getParameter("uid")), new SearchControls()); // ok: java.ldap-injection
    }

    Object controlsVulnerable(HttpServletRequest request) throws NamingException {
        InitialDirContext idc = (InitialDirContext) ctx;
        SearchControls sc = new SearchControls();
        String filter = "(&(objectclass=person)(uid=" + request.getParameter("uid") + "))";
        return idc.search("ou=users,dc=example,dc=com", filter, sc); // expect: java.ldap-injection
    }

    Object controlsSafe(HttpServletRequest request) throws NamingException {
        InitialDirContext idc = (InitialDirContext) ctx;
        SearchControls sc = new SearchControls();
        String uid = request.getParameter("uid");
        String filter = "(&(objectclass=person)(uid=" + "jdoe" + "))";
        return idc.search("ou=users,dc=example,dc=com", filter, sc); // ok: java.ldap-injection
    }
}
