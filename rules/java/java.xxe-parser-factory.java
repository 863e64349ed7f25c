import java.io.*;
import java.util.*;


import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParserFactory;

class Parsers {
    Object parse(InputStream xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance(); // expect: java.xxe-parser-factory
        return factory.newDocumentBuilder().parse(xml);
    }

    Object parseSafely(InputStream xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance(); // ok: java.xxe-parser-factory
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(xml);
    }

    Object sax() throws Exception {
        return SAXParserFactory.newInstance().newSAXParser(); // expect: java.xxe-parser-factory
    }
}
