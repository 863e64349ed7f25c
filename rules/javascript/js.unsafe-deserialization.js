const express = require("express");
const cookieParser = require("cookie-parser");
const serialize = require("node-serialize");
const yaml = require("js-yaml");

const app = express();
app.use(cookieParser());
const DEFAULT_PROFILE = serialize.serialize({ theme: "light" });

// Direct: a cookie deserialized by node-serialize.
app.get("/profile", (req, res) => {
  const profile = serialize.unserialize(req.cookies.profile); // expect: js.unsafe-deserialization
  res.json(profile);
});

// Twin: the stored default is deserialized instead.
app.get("/profile-default", (req, res) => {
  let data = req.cookies.profile;
  data = DEFAULT_PROFILE;
  const profile = serialize.unserialize(data); // ok: js.unsafe-deserialization
  res.json(profile);
});

// Through base64 decoding of a header.
app.get("/session", (req, res) => {
  const raw = Buffer.from(req.get("X-Session"), "base64").toString("utf8");
  res.json(serialize.unserialize(raw)); // expect: js.unsafe-deserialization
});

app.get("/session-default", (req, res) => {
  const sources = { header: req.get("X-Session"), fallback: DEFAULT_PROFILE };
  res.json(serialize.unserialize(sources.fallback)); // ok: js.unsafe-deserialization
});

// js-yaml 3 with the schema that builds functions.
app.post("/config", (req, res) => {
  const config = yaml.load(req.body.config, { schema: yaml.DEFAULT_FULL_SCHEMA }); // expect: js.unsafe-deserialization
  res.json(config);
});

app.post("/config-builtin", (req, res) => {
  const documents = ["retries: 3", req.body.config];
  const config = yaml.load(documents[0], { schema: yaml.DEFAULT_FULL_SCHEMA }); // ok: js.unsafe-deserialization
  res.json(config);
});

// Through helpers of the same file.
function decodeState(state) {
  return Buffer.from(state, "base64").toString();
}

function emptyState(state) {
  return "{}";
}

app.post("/state", (req, res) => {
  res.json(serialize.unserialize(decodeState(req.body.state))); // expect: js.unsafe-deserialization
});

app.post("/state-empty", (req, res) => {
  res.json(serialize.unserialize(emptyState(req.body.state))); // ok: js.unsafe-deserialization
});

// An allow-list of stored presets.
app.get("/preset", (req, res) => {
  const preset = req.query.preset;
  res.json(serialize.unserialize(preset)); // expect: js.unsafe-deserialization
});

app.get("/preset-checked", (req, res) => {
  const preset = req.query.preset;
  if (![DEFAULT_PROFILE].includes(preset)) {
    return res.status(400).end();
  }
  res.json(serialize.unserialize(preset)); // ok: js.unsafe-deserialization
});

module.exports = { app, emptyState };
