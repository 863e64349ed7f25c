const express = require("express");
const libxmljs = require("libxmljs");

const app = express();
app.use(express.text({ type: "application/xml" }));
const TEMPLATE = "<order><item>book</item></order>";
const KNOWN = [TEMPLATE];

// Direct: the request body parsed with entity substitution.
app.post("/orders", (req, res) => {
  const doc = libxmljs.parseXml(req.body, { noent: true }); // expect: js.xxe
  res.json(doc.root().name());
});

// Twin: the server's own template is parsed, with the same options.
app.post("/orders-template", (req, res) => {
  let xml = req.body;
  xml = TEMPLATE;
  const doc = libxmljs.parseXml(xml, { noent: true }); // ok: js.xxe
  res.json(doc.root().name());
});

// Through string building.
app.post("/wrapped", (req, res) => {
  const xml = "<envelope>" + req.body.payload + "</envelope>";
  const doc = libxmljs.parseXmlString(xml, { noent: true, dtdload: true }); // expect: js.xxe
  res.json(doc.root().childNodes().length);
});

app.post("/wrapped-empty", (req, res) => {
  const parts = { open: "<envelope>", body: req.body.payload, close: "</envelope>" };
  const doc = libxmljs.parseXmlString(parts.open + parts.close, { noent: true, dtdload: true }); // ok: js.xxe
  res.json(doc.root().childNodes().length);
});

// An allow-list of known documents.
app.post("/known", (req, res) => {
  const xml = req.body.xml;
  res.json(libxmljs.parseXml(xml, { dtdload: true }).root().name()); // expect: js.xxe
});

app.post("/known-checked", (req, res) => {
  const xml = req.body.xml;
  if (!KNOWN.includes(xml)) {
    return res.status(400).end();
  }
  res.json(libxmljs.parseXml(xml, { dtdload: true }).root().name()); // ok: js.xxe
});

// Through helpers of the same file.
function envelope(body) {
  return `<envelope>${body}</envelope>`;
}

function emptyEnvelope(body) {
  return "<envelope/>";
}

app.post("/soap", (req, res) => {
  res.json(libxmljs.parseXml(envelope(req.body.soap), { noent: true }).root().name()); // expect: js.xxe
});

app.post("/soap-empty", (req, res) => {
  res.json(libxmljs.parseXml(emptyEnvelope(req.body.soap), { noent: true }).root().name()); // ok: js.xxe
});

// Koa: a branch whose condition is a constant expression.
async function koaImport(ctx) {
  const num = 86;
  const xml = (7 * 42) - num > 200 ? ctx.request.body : TEMPLATE;
  ctx.body = libxmljs.parseXml(xml, { noent: true }).root().name(); // expect: js.xxe
}

async function koaImportFixed(ctx) {
  const num = 106;
  const xml = (7 * 42) - num > 200 ? ctx.request.body : TEMPLATE;
  ctx.body = libxmljs.parseXml(xml, { noent: true }).root().name(); // ok: js.xxe
}

// The libxmljs defaults do not substitute entities.
app.post("/defaults", (req, res) => {
  res.json(libxmljs.parseXml(req.body).root().name()); // ok: js.xxe
});

module.exports = { app, koaImport, koaImportFixed, emptyEnvelope };
