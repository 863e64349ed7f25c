const express = require("express");
const http = require("http");

const app = express();
const LANGUAGES = new Set(["en", "de", "fr"]);

// Direct: a query value as a header value.
app.get("/lang", (req, res) => {
  res.setHeader("Content-Language", req.query.lang); // expect: js.header-injection
  res.end();
});

// Twin: only known languages get through.
app.get("/lang-checked", (req, res) => {
  const lang = req.query.lang;
  if (!LANGUAGES.has(lang)) {
    return res.status(400).end();
  }
  res.setHeader("Content-Language", lang); // ok: js.header-injection
  res.end();
});

// Through a template literal: a download name.
app.get("/download", (req, res) => {
  const name = req.query.name;
  res.set("Content-Disposition", `attachment; filename="${name}"`); // expect: js.header-injection
  res.send("report");
});

// Twin: the name is percent-encoded, so it carries no quote or line break.
app.get("/download-encoded", (req, res) => {
  const name = encodeURIComponent(req.query.name);
  res.set("Content-Disposition", `attachment; filename="${name}"`); // ok: js.header-injection
  res.send("report");
});

// Line breaks stripped from a header value.
app.get("/trace", (req, res) => {
  const trace = req.get("X-Trace");
  res.header("X-Trace", trace); // expect: js.header-injection
  res.end();
});

app.get("/trace-clean", (req, res) => {
  const trace = req.get("X-Trace").replace(/[\r\n]/g, "");
  res.header("X-Trace", trace); // ok: js.header-injection
  res.end();
});

// Node's http: headers in an object, from a request slot or a constant slot.
const server = http.createServer((req, res) => {
  const values = { policy: "no-store", echo: req.headers["x-echo"] };
  res.writeHead(200, { "X-Echo": values.echo }); // expect: js.header-injection
  res.end();
});

const quiet = http.createServer((req, res) => {
  const values = { policy: "no-store", echo: req.headers["x-echo"] };
  res.writeHead(200, { "Cache-Control": values.policy }); // ok: js.header-injection
  res.end();
});

// Through helpers of the same file.
function cookieFor(value) {
  return "theme=" + value + "; Path=/; HttpOnly";
}

function defaultCookie(value) {
  return "theme=light; Path=/; HttpOnly";
}

app.get("/theme", (req, res) => {
  res.append("Set-Cookie", cookieFor(req.query.theme)); // expect: js.header-injection
  res.end();
});

app.get("/theme-default", (req, res) => {
  res.append("Set-Cookie", defaultCookie(req.query.theme)); // ok: js.header-injection
  res.end();
});

// A token this server signs carries no text of the request.
const jwt = require("jsonwebtoken");

app.post("/token", (req, res) => {
  res.setHeader("X-User", req.body.user); // expect: js.header-injection
  res.end();
});

app.post("/token-signed", (req, res) => {
  res.setHeader("Authorization", "Bearer " + jwt.sign({ user: req.body.user }, process.env.JWT_SECRET)); // ok: js.header-injection
  res.end();
});

// Koa: the value after an overwrite with a constant.
async function koaVersion(ctx) {
  const version = ctx.query.v;
  ctx.set("X-Api-Version", version); // expect: js.header-injection
}

async function koaVersionFixed(ctx) {
  let version = ctx.query.v;
  version = "2";
  ctx.set("X-Api-Version", version); // ok: js.header-injection
}

module.exports = { app, server, quiet, koaVersion, koaVersionFixed, defaultCookie };
