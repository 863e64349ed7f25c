from lxml import etree
from xml.sax.handler import feature_external_ges


def parse(payload, sax_parser):
    parser = etree.XMLParser(resolve_entities=True)  # expect: py.xml-external-entities
    loose = etree.XMLParser(no_network=False)  # expect: py.xml-external-entities
    sax_parser.setFeature(feature_external_ges, True)  # expect: py.xml-external-entities
    strict = etree.XMLParser(resolve_entities=False, no_network=True)  # ok: py.xml-external-entities
    sax_parser.setFeature(feature_external_ges, False)  # ok: py.xml-external-entities
    return etree.fromstring(payload, strict), parser, loose
