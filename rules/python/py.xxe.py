import xml.etree.ElementTree as ET
from xml.dom import minidom

from defusedxml import ElementTree as SafeET
from fastapi import FastAPI
from flask import Flask, request
from lxml import etree

app = Flask(__name__)
api = FastAPI()
EMPTY_FEED = "<feed/>"


# Pair 1: the raw body into lxml; the safe twin overwrites it with a constant.
@app.route("/import", methods=["POST"])
def import_items():
    document = request.get_data()
    return etree.fromstring(document)  # expect: py.xxe


@app.route("/import-fixed", methods=["POST"])
def import_items_fixed():
    document = request.get_data()
    document = EMPTY_FEED
    return etree.fromstring(document)  # ok: py.xxe


# Pair 2: a Django body through a dict; the safe twin reads the slot holding a constant.
def soap_endpoint(request):
    parts = {"envelope": request.body, "fallback": "<Envelope/>"}
    return minidom.parseString(parts["envelope"])  # expect: py.xxe


def soap_endpoint_fixed(request):
    parts = {"envelope": request.body, "fallback": "<Envelope/>"}
    return minidom.parseString(parts["fallback"])  # ok: py.xxe


# Pair 3: string building through a helper of the same file.
def wrap(fragment):
    return "<root>" + fragment + "</root>"


def wrap_nothing(fragment):
    return "<root></root>"


@api.post("/fragments")
def fragments(fragment: str):
    return ET.fromstring(wrap(fragment))  # expect: py.xxe


@api.post("/fragments-fixed")
def fragments_fixed(fragment: str):
    return ET.fromstring(wrap_nothing(fragment))  # ok: py.xxe


# Pair 4: an upload fed to an incremental parser across a constant branch.
@app.route("/feeds", methods=["POST"])
def feed_upload():
    strict = 1
    upload = request.files["feed"].read()
    chunk = upload if strict + 1 > 1 else EMPTY_FEED
    parser = ET.XMLParser()
    parser.feed(chunk)  # expect: py.xxe
    return parser.close()


@app.route("/feeds-fixed", methods=["POST"])
def feed_upload_fixed():
    strict = 1
    upload = request.files["feed"].read()
    chunk = upload if strict + 1 > 5 else EMPTY_FEED
    parser = ET.XMLParser()
    parser.feed(chunk)  # ok: py.xxe
    return parser.close()


# Pair 5: through a field of a class; the safe method parses its own template.
class InvoiceImport:
    def __init__(self):
        self.payload = request.form["invoice"]
        self.template = "<invoice/>"

    def parse(self):
        return etree.XML(self.payload)  # expect: py.xxe

    def parse_template(self):
        return etree.XML(self.template)  # ok: py.xxe


def parse_with_defusedxml():
    return SafeET.fromstring(request.get_data())  # ok: py.xxe
