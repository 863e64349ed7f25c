const express = require("express");
const axios = require("axios");
const https = require("https");

const app = express();
const FEEDS = new Set(["https://news.example.com/rss", "https://blog.example.com/rss"]);

// Direct: the URL from the query string is fetched.
app.get("/preview", async (req, res) => {
  const page = await fetch(req.query.url); // expect: js.ssrf
  res.send(await page.text());
});

// Twin: the value is only a percent-encoded query parameter of a fixed host.
app.get("/preview-search", async (req, res) => {
  const page = await fetch("https://api.example.com/search?q=" + encodeURIComponent(req.query.url)); // ok: js.ssrf
  res.send(await page.text());
});

// An allow-list of feeds.
app.get("/feed", async (req, res) => {
  const feed = req.query.feed;
  const response = await axios.get(feed); // expect: js.ssrf
  res.send(response.data);
});

app.get("/feed-checked", async (req, res) => {
  const feed = req.query.feed;
  if (!FEEDS.has(feed)) {
    return res.status(400).send("unknown feed");
  }
  const response = await axios.get(feed); // ok: js.ssrf
  res.send(response.data);
});

// A host in a template literal; twin overwritten with a constant.
app.post("/webhook", async (req, res) => {
  const host = req.body.host;
  await axios.post(`https://${host}/hooks/build`, { ok: true }); // expect: js.ssrf
  res.sendStatus(202);
});

app.post("/webhook-fixed", async (req, res) => {
  let host = req.body.host;
  host = "ci.example.com";
  await axios.post(`https://${host}/hooks/build`, { ok: true }); // ok: js.ssrf
  res.sendStatus(202);
});

// Through an object: the slot used holds the request's value or a constant.
app.get("/status", (req, res) => {
  const targets = { primary: "https://status.example.com", custom: req.query.target };
  https.get(targets.custom, (upstream) => upstream.pipe(res)); // expect: js.ssrf
});

app.get("/status-primary", (req, res) => {
  const targets = { primary: "https://status.example.com", custom: req.query.target };
  https.get(targets.primary, (upstream) => upstream.pipe(res)); // ok: js.ssrf
});

// Through helpers of the same file.
function avatarUrl(user) {
  return "https://" + user + "/avatar.png";
}

function gravatarUrl(user) {
  return "https://www.gravatar.com/avatar/0";
}

app.get("/avatar", async (req, res) => {
  const image = await fetch(avatarUrl(req.query.user)); // expect: js.ssrf
  res.send(Buffer.from(await image.arrayBuffer()));
});

app.get("/avatar-gravatar", async (req, res) => {
  const image = await fetch(gravatarUrl(req.query.user)); // ok: js.ssrf
  res.send(Buffer.from(await image.arrayBuffer()));
});

// A parsed URL whose host is checked against an allow-list.
const HOSTS = ["images.example.com", "cdn.example.com"];

app.get("/image", async (req, res) => {
  const target = new URL(req.query.src);
  const image = await fetch(target); // expect: js.ssrf
  res.send(Buffer.from(await image.arrayBuffer()));
});

app.get("/image-checked", async (req, res) => {
  const target = new URL(req.query.src);
  if (!HOSTS.includes(target.hostname)) {
    return res.status(400).send("host not allowed");
  }
  const image = await fetch(target); // ok: js.ssrf
  res.send(Buffer.from(await image.arrayBuffer()));
});

// Next.js route handler: the JSON body's URL.
export async function POST(request) {
  const { url } = await request.json();
  const upstream = await fetch(url); // expect: js.ssrf
  return new Response(await upstream.text());
}

export async function PUT(request) {
  const { url } = await request.json();
  const services = [url, "https://status.example.com/health"];
  const upstream = await fetch(services[1]); // ok: js.ssrf
  return new Response(await upstream.text());
}

module.exports = { app, gravatarUrl };
