const express = require("express");
const xpath = require("xpath");
const { DOMParser } = require("@xmldom/xmldom");

const app = express();
const users = new DOMParser().parseFromString("<users><user name='ann' role='admin'/></users>", "text/xml");
const ROLES = ["admin", "editor", "viewer"];

// Direct: a name from the query string inside the expression.
app.get("/user", (req, res) => {
  res.json(xpath.select("//user[@name='" + req.query.name + "']", users).length); // expect: js.xpath-injection
});

// Twin: only names made of letters get through.
app.get("/user-checked", (req, res) => {
  const name = req.query.name;
  if (!/^[a-z]+$/.test(name)) {
    return res.status(400).send("bad name");
  }
  res.json(xpath.select("//user[@name='" + name + "']", users).length); // ok: js.xpath-injection
});

// Through a variable and a template literal.
app.post("/login", (req, res) => {
  const { name, password } = req.body;
  const query = `//user[@name='${name}' and @password='${password}']`;
  res.json(xpath.select1(query, users) !== undefined); // expect: js.xpath-injection
});

// Twin: the expression is rebuilt from constants before use.
app.post("/login-fixed", (req, res) => {
  let query = `//user[@name='${req.body.name}']`;
  query = "//user[@name='guest']";
  res.json(xpath.select1(query, users) !== undefined); // ok: js.xpath-injection
});

// A role checked against an allow-list.
app.get("/role", (req, res) => {
  const role = req.query.role;
  res.json(xpath.select(`//user[@role='${role}']`, users).length); // expect: js.xpath-injection
});

app.get("/role-checked", (req, res) => {
  const role = req.query.role;
  if (!ROLES.includes(role)) {
    return res.status(400).send("unknown role");
  }
  res.json(xpath.select(`//user[@role='${role}']`, users).length); // ok: js.xpath-injection
});

// An index cast to a number.
app.get("/nth", (req, res) => {
  const index = req.query.index;
  res.json(xpath.select(`//user[${index}]`, users).length); // expect: js.xpath-injection
});

app.get("/nth-number", (req, res) => {
  const index = Number(req.query.index);
  res.json(xpath.select(`//user[${index}]`, users).length); // ok: js.xpath-injection
});

// Through helpers of the same file.
function byName(name) {
  return "//user[@name='" + name + "']";
}

function admins(name) {
  return "//user[@role='admin']";
}

app.get("/by-name", (req, res) => {
  res.json(xpath.select(byName(req.query.name), users).length); // expect: js.xpath-injection
});

app.get("/admins", (req, res) => {
  res.json(xpath.select(admins(req.query.name), users).length); // ok: js.xpath-injection
});

// In the browser: the URL fragment inside document.evaluate, or a constant slot.
function highlight() {
  const parts = { tag: "section", id: location.hash.slice(1) };
  return document.evaluate(`//${parts.tag}[@id='${parts.id}']`, document, null, XPathResult.ANY_TYPE, null); // expect: js.xpath-injection
}

function highlightSections() {
  const parts = { tag: "section", id: location.hash.slice(1) };
  return document.evaluate(`//${parts.tag}`, document, null, XPathResult.ANY_TYPE, null); // ok: js.xpath-injection
}

module.exports = { app, highlight, highlightSections, admins };
