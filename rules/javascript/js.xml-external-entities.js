const libxmljs = require("libxmljs");

function importFeed(req) {
  const doc = libxmljs.parseXml(req.body, { noent: true }); // expect: js.xml-external-entities
  const safe = libxmljs.parseXml(req.body, { noent: false }); // ok: js.xml-external-entities
  return [doc, safe];
}
