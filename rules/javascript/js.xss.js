const express = require("express");
const escapeHtml = require("escape-html");
const fs = require("fs");

const app = express();
const THEMES = ["light", "dark"];

// Direct: the search term echoed in HTML.
app.get("/search", (req, res) => {
  res.send(`<h1>Results for ${req.query.q}</h1>`); // expect: js.xss
});

// Twin: the term is escaped.
app.get("/search-escaped", (req, res) => {
  res.send(`<h1>Results for ${escapeHtml(req.query.q)}</h1>`); // ok: js.xss
});

// Through a variable and concatenation, with a status; twin overwritten with a constant.
app.get("/missing/:name", (req, res) => {
  const name = req.params.name;
  res.status(404).send("<p>No page called " + name + "</p>"); // expect: js.xss
});

app.get("/missing-fixed/:name", (req, res) => {
  let name = req.params.name;
  name = "that";
  res.status(404).send("<p>No page called " + name + "</p>"); // ok: js.xss
});

// An allow-list.
app.get("/theme", (req, res) => {
  const theme = req.query.theme;
  res.write(`<body class="${theme}">`); // expect: js.xss
  res.end();
});

app.get("/theme-checked", (req, res) => {
  const theme = req.query.theme;
  if (!THEMES.includes(theme)) {
    return res.status(400).end();
  }
  res.write(`<body class="${theme}">`); // ok: js.xss
  res.end();
});

// Through an array built with push.
app.post("/comments", (req, res) => {
  const parts = ["<ul>"];
  parts.push("<li>" + req.body.comment + "</li>");
  parts.push("</ul>");
  res.end(parts.join("")); // expect: js.xss
});

app.post("/comments-count", (req, res) => {
  const parts = ["<ul>"];
  const count = parseInt(req.body.count, 10);
  parts.push("<li>" + count + " comments</li>");
  res.end(parts.join("")); // ok: js.xss
});

// Through helpers of the same file.
function greeting(name) {
  return "<p>Hello " + name + "</p>";
}

function greetingGuest(name) {
  return "<p>Hello guest</p>";
}

app.get("/hello", (req, res) => {
  res.send(greeting(req.query.name)); // expect: js.xss
});

app.get("/hello-guest", (req, res) => {
  res.send(greetingGuest(req.query.name)); // ok: js.xss
});

// Koa: ctx.body, through an object slot.
async function koaProfile(ctx) {
  const view = { title: "Profile", bio: ctx.query.bio };
  ctx.body = `<h1>${view.title}</h1><p>${view.bio}</p>`; // expect: js.xss
}

async function koaProfileTitle(ctx) {
  const view = { title: "Profile", bio: ctx.query.bio };
  ctx.body = `<h1>${view.title}</h1>`; // ok: js.xss
}

// In the browser: the URL fragment into innerHTML, or through DOMPurify.
function showMessage(box) {
  const message = decodeURIComponent(location.hash.slice(1));
  box.innerHTML = `<div class="note">${message}</div>`; // expect: js.xss
}

function showMessageClean(box) {
  const message = decodeURIComponent(location.hash.slice(1));
  box.innerHTML = DOMPurify.sanitize(`<div class="note">${message}</div>`); // ok: js.xss
}

module.exports = { app, koaProfile, koaProfileTitle, showMessage, showMessageClean, greetingGuest };

// An object is sent as JSON; a record looked up with request data is stored data.
app.get("/api/user", async (req, res) => {
  res.send({ name: req.query.name }); // ok: js.xss
  const user = await User.findById(req.query.id);
  res.send(`<p>${user.displayName}</p>`); // ok: js.xss
  res.send(`<p>${req.query.name}</p>`); // expect: js.xss
});

// A template engine escapes the value it inserts.
const ejs = require("ejs");

app.get("/card", (req, res) => {
  res.send("<h1>" + req.query.title + "</h1>"); // expect: js.xss
});

app.get("/card-template", (req, res) => {
  res.send(ejs.render("<h1><%= title %></h1>", { title: req.query.title })); // ok: js.xss
});

// Handlebars: a SafeString skips the template's escaping.
const Handlebars = require("handlebars");
const page = Handlebars.compile("<div>{{{bio}}}</div><p>{{name}}</p>");

app.get("/bio", (req, res) => {
  res.send(page({ bio: new Handlebars.SafeString(req.query.bio) })); // expect: js.xss
});

app.get("/bio-escaped", (req, res) => {
  res.send(page({ bio: new Handlebars.SafeString(escapeHtml(req.query.bio)) })); // ok: js.xss
});

// A file's contents sent back: the path is js.path-traversal's business, not this rule's.
app.get("/export/:name", (req, res) => {
  const data = fs.readFileSync("./exports/" + req.params.name);
  res.send(data); // ok: js.xss
});
