const express = require("express");
const winston = require("winston");

const app = express();
const logger = winston.createLogger({ transports: [new winston.transports.Console()] });
const ACTIONS = ["create", "update", "delete"];

// Direct: a user name from the body into a log line.
app.post("/login", (req, res) => {
  logger.info("login attempt for " + req.body.username); // expect: js.log-injection
  res.sendStatus(204);
});

// Twin: the value is JSON-encoded, so a line break stays "\n".
app.post("/login-encoded", (req, res) => {
  logger.info("login attempt for " + JSON.stringify(req.body.username)); // ok: js.log-injection
  res.sendStatus(204);
});

// Through a variable and a template literal.
app.get("/search", (req, res) => {
  const term = req.query.q;
  console.log(`search: ${term}`); // expect: js.log-injection
  res.json([]);
});

// Twin: line breaks stripped first.
app.get("/search-clean", (req, res) => {
  const term = req.query.q.replace(/[\r\n]/g, " ");
  console.log(`search: ${term}`); // ok: js.log-injection
  res.json([]);
});

// A query value, or a number parsed from it.
app.get("/size", (req, res) => {
  const size = req.query.size;
  console.warn("request size", size); // expect: js.log-injection
  res.end();
});

app.get("/size-number", (req, res) => {
  const size = parseInt(req.query.size, 10);
  console.warn("request size", size); // ok: js.log-injection
  res.end();
});

// An action checked against an allow-list.
app.post("/audit", (req, res) => {
  const action = req.body.action;
  logger.warn("action " + action); // expect: js.log-injection
  res.end();
});

app.post("/audit-checked", (req, res) => {
  const action = req.body.action;
  if (!ACTIONS.includes(action)) {
    return res.status(400).end();
  }
  logger.warn("action " + action); // ok: js.log-injection
  res.end();
});

// Through an object: the slot logged holds request data or a constant.
app.get("/visit", (req, res) => {
  const entry = { page: "home", referrer: req.cookies.referrer };
  logger.debug("visit from " + entry.referrer); // expect: js.log-injection
  res.end();
});

app.get("/visit-page", (req, res) => {
  const entry = { page: "home", referrer: req.cookies.referrer };
  logger.debug("visit to " + entry.page); // ok: js.log-injection
  res.end();
});

// Through helpers of the same file.
function describe(user) {
  return "user=" + user;
}

function describeAnonymous(user) {
  return "user=anonymous";
}

app.get("/profile", (req, res) => {
  console.error(describe(req.query.user)); // expect: js.log-injection
  res.end();
});

app.get("/profile-anonymous", (req, res) => {
  console.error(describeAnonymous(req.query.user)); // ok: js.log-injection
  res.end();
});

// An access log: the raw URL and headers cannot hold a line break (the HTTP parser refuses
// one), a decoded query value can.
app.use((req, res, next) => {
  console.log("%s %s %s", req.method, req.originalUrl, req.get("User-Agent")); // ok: js.log-injection
  console.log("%s %s", req.method, req.query.page); // expect: js.log-injection
  next();
});

module.exports = { app, describeAnonymous };
