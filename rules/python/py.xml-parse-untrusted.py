import xml.etree.ElementTree as ET

from defusedxml import ElementTree as SafeET


def upload(request):
    tree = ET.fromstring(request.data)  # expect: py.xml-parse-untrusted
    body = request.get_data()
    doc = ET.fromstring(body)  # expect: py.xml-parse-untrusted
    safe = SafeET.fromstring(request.data)  # ok: py.xml-parse-untrusted
    local = ET.parse("config.xml")  # ok: py.xml-parse-untrusted
    return tree, doc, safe, local
