const express = require("express");
const ldap = require("ldapjs");
const ldapEscape = require("ldap-escape");

const app = express();
const client = ldap.createClient({ url: "ldap://directory.internal" });
const UNITS = ["people", "services"];

// Direct: the user name inside the filter text.
app.get("/lookup", (req, res) => {
  client.search("ou=people,dc=example,dc=org", { filter: "(uid=" + req.query.user + ")" }, (err, found) => res.json(found)); // expect: js.ldap-injection
});

// Twin: the value is escaped for a filter.
app.get("/lookup-escaped", (req, res) => {
  client.search("ou=people,dc=example,dc=org", { filter: ldapEscape.filter`(uid=${req.query.user})` }, (err, found) => res.json(found)); // ok: js.ldap-injection
});

// Through a variable and a template literal.
app.post("/login", (req, res) => {
  const { username } = req.body;
  const options = { scope: "sub", filter: `(&(uid=${username})(objectClass=person))` };
  client.search("dc=example,dc=org", options, (err, found) => res.json(found)); // expect: js.ldap-injection
});

// Twin: the variable is overwritten with a constant.
app.post("/login-service", (req, res) => {
  let { username } = req.body;
  username = "service-account";
  const options = { scope: "sub", filter: `(&(uid=${username})(objectClass=person))` };
  client.search("dc=example,dc=org", options, (err, found) => res.json(found)); // ok: js.ldap-injection
});

// The base DN chosen by the request, or checked against an allow-list.
app.get("/unit", (req, res) => {
  const unit = req.query.unit;
  client.search(`ou=${unit},dc=example,dc=org`, { filter: "(objectClass=*)" }, (err, found) => res.json(found)); // expect: js.ldap-injection
});

app.get("/unit-checked", (req, res) => {
  const unit = req.query.unit;
  if (!UNITS.includes(unit)) {
    return res.status(400).send("unknown unit");
  }
  client.search(`ou=${unit},dc=example,dc=org`, { filter: "(objectClass=*)" }, (err, found) => res.json(found)); // ok: js.ldap-injection
});

// A filter built by a helper of the same file.
function mailFilter(mail) {
  return "(mail=" + mail + ")";
}

function everyoneFilter(mail) {
  return "(objectClass=person)";
}

app.get("/by-mail", (req, res) => {
  client.search("dc=example,dc=org", { filter: mailFilter(req.query.mail) }, (err, found) => res.json(found)); // expect: js.ldap-injection
});

app.get("/everyone", (req, res) => {
  client.search("dc=example,dc=org", { filter: everyoneFilter(req.query.mail) }, (err, found) => res.json(found)); // ok: js.ldap-injection
});

// Parsing a filter string from an array slot.
app.get("/parse", (req, res) => {
  const filters = ["(objectClass=person)", req.query.filter];
  res.json(ldap.parseFilter(filters[1]).toString()); // expect: js.ldap-injection
});

app.get("/parse-fixed", (req, res) => {
  const filters = ["(objectClass=person)", req.query.filter];
  res.json(ldap.parseFilter(filters[0]).toString()); // ok: js.ldap-injection
});

// A filter object built with ldapjs, which escapes the value.
app.get("/group", (req, res) => {
  const group = req.query.group;
  client.search("ou=groups,dc=example,dc=org", { filter: `(cn=${group})` }, (err, found) => res.json(found)); // expect: js.ldap-injection
});

app.get("/group-object", (req, res) => {
  const group = req.query.group;
  const filter = new ldap.EqualityFilter({ attribute: "cn", value: group });
  client.search("ou=groups,dc=example,dc=org", { filter }, (err, found) => res.json(found)); // ok: js.ldap-injection
});

module.exports = { app, everyoneFilter };
