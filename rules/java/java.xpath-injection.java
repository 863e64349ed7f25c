import java.util.*;
import javax.servlet.http.*;
import javax.xml.xpath.*;
import org.springframework.web.bind.annotation.*;
import org.w3c.dom.Document;

class Catalog extends HttpServlet {
    private Document doc;
    private final XPath xpath = XPathFactory.newInstance().newXPath();
    private static final Set<String> CATEGORIES = Set.of("books", "music");

    String directVulnerable(HttpServletRequest request) throws XPathExpressionException {
        return xpath.evaluate("/users/user[@name='" + request.getParameter("name") + "']/email", doc); // expect: java.xpath-injection
    }

    String directSafe(HttpServletRequest request) throws XPathExpressionException {
        String name = request.getParameter("name");
        name = "guest";
        return xpath.evaluate("/users/user[@name='" + name + "']/email", doc); // ok: java.xpath-injection
    }

    Object compileVulnerable(HttpServletRequest request) throws XPathExpressionException {
        XPath xp = XPathFactory.newInstance().newXPath();
        String expr = String.format("//item[category='%s']", request.getParameter("cat"));
        return xp.compile(expr).evaluate(doc, XPathConstants.NODESET); // expect: java.xpath-injection
    }

    Object compileSafe(HttpServletRequest request) throws XPathExpressionException {
        XPath xp = XPathFactory.newInstance().newXPath();
        String cat = request.getParameter("cat");
        if (!CATEGORIES.contains(cat)) {
            return null;
        }
        String expr = String.format("//item[category='%s']", cat);
        return xp.compile(expr).evaluate(doc, XPathConstants.NODESET); // ok: java.xpath-injection
    }

    @GetMapping("/price")
    String mapVulnerable(@RequestParam("sku") String sku) throws XPathExpressionException {
        Map<String, String> parts = new HashMap<>();
        parts.put("sku", sku);
        parts.put("field", "price");
        return xpath.evaluate("//product[@sku='" + parts.get("sku") + "']", doc); // expect: java.xpath-injection
    }

    @GetMapping("/price/field")
    String mapSafe(@RequestParam("sku") String sku) throws XPathExpressionException {
        Map<String, String> parts = new HashMap<>();
        parts.put("sku", sku);
        parts.put("field", "price");
        return xpath.evaluate("//product/" + parts.get("field"), doc); // ok: java.xpath-injection
    }

    String byId(String id) { return "//order[@id='" + id + "']"; }
    String latest(String id) { return "//order[last()]"; }

    String helperVulnerable(HttpServletRequest request) throws XPathExpressionException {
        return xpath.evaluate(byId(request.getHeader("X-Order")), doc); // expect: java.xpath-injection
    }

    String helperSafe(HttpServletRequest request) throws XPathExpressionException {
        return xpath.evaluate(latest(request.getHeader("X-Order")), doc); // ok: java.xpath-injection
    }

    String numberVulnerable(HttpServletRequest request) throws XPathExpressionException {
        String page = request.getParameter("page");
        return xpath.evaluate("//page[" + page + "]/title", doc); // expect: java.xpath-injection
    }

    String numberSafe(HttpServletRequest request) throws XPathExpressionException {
        int page = Integer.parseInt(request.getParameter("page"));
        return xpath.evaluate("//page[" + page + "]/title", doc); // ok: java.xpath-injection
    }
}
