import java.io.*;
import java.util.*;
import javax.servlet.http.*;
import javax.xml.parsers.*;
import javax.xml.stream.*;
import org.springframework.web.bind.annotation.*;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

class Importer extends HttpServlet {
    private static final String TEMPLATE = "<order><item>default</item></order>";
    private String pending;

    Document domVulnerable(HttpServletRequest request) throws Exception {
        DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        return builder.parse(request.getInputStream()); // expect: java.xxe
    }

    Document domSafe(HttpServletRequest request) throws Exception {
        DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        return builder.parse(new ByteArrayInputStream(TEMPLATE.getBytes())); // ok: java.xxe
    }

    @PostMapping("/orders")
    void saxVulnerable(@RequestBody String xml) throws Exception {
        SAXParser parser = SAXParserFactory.newInstance().newSAXParser();
        parser.parse(new InputSource(new StringReader(xml)), new DefaultHandler()); // expect: java.xxe
    }

    @PostMapping("/orders/template")
    void saxSafe(@RequestBody String xml) throws Exception {
        SAXParser parser = SAXParserFactory.newInstance().newSAXParser();
        String document = xml;
        document = TEMPLATE;
        parser.parse(new InputSource(new StringReader(document)), new DefaultHandler()); // ok: java.xxe
    }

    Object staxVulnerable(HttpServletRequest request) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newInstance();
        return factory.createXMLStreamReader(request.getReader()); // expect: java.xxe
    }

    Object staxSafe(HttpServletRequest request) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newInstance();
        Map<String, Reader> sources = new HashMap<>();
        sources.put("body", request.getReader());
        sources.put("template", new StringReader(TEMPLATE));
        return factory.createXMLStreamReader(sources.get("template")); // ok: java.xxe
    }

    String wrapOrder(String items) { return "<order>" + items + "</order>"; }
    String emptyOrder(String items) { return "<order/>"; }

    Document helperVulnerable(HttpServletRequest request) throws Exception {
        DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        String xml = wrapOrder(request.getParameter("items"));
        return builder.parse(new InputSource(new StringReader(xml))); // expect: java.xxe
    }

    Document helperSafe(HttpServletRequest request) throws Exception {
        DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        String xml = emptyOrder(request.getParameter("items"));
        return builder.parse(new InputSource(new StringReader(xml))); // ok: java.xxe
    }

    void queue(HttpServletRequest request) {
        pending = request.getParameter("doc");
    }

    Document fieldVulnerable() throws Exception {
        DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        return builder.parse(new ByteArrayInputStream(pending.getBytes())); // expect: java.xxe
    }

    Document fieldSafe() throws Exception {
        DocumentBuilder builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        String doc = pending;
        boolean useTemplate = 3 > 2;
        if (useTemplate) {
            doc = TEMPLATE;
        }
        return builder.parse(new ByteArrayInputStream(doc.getBytes())); // ok: java.xxe
    }
}

class HardenedImporter extends HttpServlet {
    Document parse(HttpServletRequest request) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(request.getInputStream()); // ok: java.xxe
    }
}

class JsonImporter extends HttpServlet {
    Object parse(HttpServletRequest request) throws Exception {
        org.json.simple.parser.JSONParser parser = new org.json.simple.parser.JSONParser();
        return parser.parse(request.getReader()); // ok: java.xxe
    }
}
