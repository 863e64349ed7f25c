const express = require("express");
const session = require("express-session");

const app = express();
app.use(session({ secret: process.env.SESSION_SECRET, resave: false, saveUninitialized: false }));
const LOCALES = ["en", "de", "fr"];

// Direct: the role from the body becomes the session's role.
app.post("/prefs", (req, res) => {
  req.session.role = req.body.role; // expect: js.trust-boundary-violation
  res.sendStatus(204);
});

// Twin: the server decides the role.
app.post("/prefs-fixed", (req, res) => {
  let role = req.body.role;
  role = "member";
  req.session.role = role; // ok: js.trust-boundary-violation
  res.sendStatus(204);
});

// An allow-list of locales.
app.get("/locale", (req, res) => {
  const locale = req.query.locale;
  req.session.locale = locale; // expect: js.trust-boundary-violation
  res.redirect("/");
});

app.get("/locale-checked", (req, res) => {
  const locale = req.query.locale;
  if (!LOCALES.includes(locale)) {
    return res.status(400).end();
  }
  req.session.locale = locale; // ok: js.trust-boundary-violation
  res.redirect("/");
});

// A key chosen by the request, and a numeric cast.
app.post("/cart", (req, res) => {
  const key = "item-" + req.body.sku;
  req.session[key] = req.body.quantity; // expect: js.trust-boundary-violation
  res.sendStatus(204);
});

app.post("/cart-count", (req, res) => {
  const key = "item-" + req.body.sku;
  req.session[key] = parseInt(req.body.quantity, 10); // ok: js.trust-boundary-violation
  res.sendStatus(204);
});

// Through an object slot and a template literal.
app.post("/wizard", (req, res) => {
  const step = { number: 2, answer: req.body.answer };
  req.session.lastAnswer = `step ${step.number}: ${step.answer}`; // expect: js.trust-boundary-violation
  res.sendStatus(204);
});

app.post("/wizard-step", (req, res) => {
  const step = { number: 2, answer: req.body.answer };
  req.session.lastAnswer = `step ${step.number}`; // ok: js.trust-boundary-violation
  res.sendStatus(204);
});

// Through helpers of the same file.
function displayName(name) {
  return name.trim();
}

function anonymousName(name) {
  return "anonymous";
}

app.post("/name", (req, res) => {
  req.session.displayName = displayName(req.body.name); // expect: js.trust-boundary-violation
  res.sendStatus(204);
});

app.post("/name-anonymous", (req, res) => {
  req.session.displayName = anonymousName(req.body.name); // ok: js.trust-boundary-violation
  res.sendStatus(204);
});

// The login pattern: the user record looked up with the request's name is the server's.
app.post("/login", async (req, res) => {
  req.session.user = req.body.username; // expect: js.trust-boundary-violation
  res.sendStatus(204);
});

app.post("/login-lookup", async (req, res) => {
  const user = await User.findOne({ username: req.body.username });
  req.session.userId = user.id; // ok: js.trust-boundary-violation
  res.sendStatus(204);
});

// Koa sessions.
async function koaReferrer(ctx) {
  ctx.session.referrer = ctx.get("Referer"); // expect: js.trust-boundary-violation
}

async function koaReferrerFixed(ctx) {
  const num = 106;
  const referrer = (7 * 42) - num > 200 ? ctx.get("Referer") : "direct";
  ctx.session.referrer = referrer; // ok: js.trust-boundary-violation
}

module.exports = { app, koaReferrer, koaReferrerFixed, anonymousName };
