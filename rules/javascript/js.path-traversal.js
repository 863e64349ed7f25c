const express = require("express");
const fs = require("fs");
const path = require("path");

const app = express();
const UPLOADS = path.join(__dirname, "uploads");
const REPORTS = ["daily.csv", "weekly.csv"];

// Direct: a path parameter joined to the uploads folder.
app.get("/files/:name", (req, res) => {
  fs.readFile(path.join(UPLOADS, req.params.name), (err, data) => res.send(data)); // expect: js.path-traversal
});

// Twin: only the file name is kept.
app.get("/files-base/:name", (req, res) => {
  fs.readFile(path.join(UPLOADS, path.basename(req.params.name)), (err, data) => res.send(data)); // ok: js.path-traversal
});

// Normalise, then check the prefix.
app.get("/docs", (req, res) => {
  const full = path.resolve(UPLOADS, req.query.doc);
  res.sendFile(full); // expect: js.path-traversal
});

app.get("/docs-checked", (req, res) => {
  const full = path.resolve(UPLOADS, req.query.doc);
  if (!full.startsWith(UPLOADS + path.sep)) {
    return res.status(403).end();
  }
  res.sendFile(full); // ok: js.path-traversal
});

// Through a template literal; twin overwritten with a constant.
app.post("/notes", (req, res) => {
  const title = req.body.title;
  fs.writeFileSync(`./notes/${title}.txt`, req.body.text); // expect: js.path-traversal
  res.sendStatus(201);
});

app.post("/notes-default", (req, res) => {
  let title = req.body.title;
  title = "untitled";
  fs.writeFileSync(`./notes/${title}.txt`, req.body.text); // ok: js.path-traversal
  res.sendStatus(201);
});

// An allow-list of report names.
app.get("/reports", (req, res) => {
  const report = req.query.report;
  fs.createReadStream(path.join(__dirname, "reports", report)).pipe(res); // expect: js.path-traversal
});

app.get("/reports-checked", (req, res) => {
  const report = req.query.report;
  if (!REPORTS.includes(report)) {
    return res.status(404).end();
  }
  fs.createReadStream(path.join(__dirname, "reports", report)).pipe(res); // ok: js.path-traversal
});

// Through an array slot.
app.delete("/cache", (req, res) => {
  const targets = ["./cache/index.json", req.query.entry];
  fs.unlinkSync(targets[1]); // expect: js.path-traversal
  res.sendStatus(204);
});

app.delete("/cache-index", (req, res) => {
  const targets = ["./cache/index.json", req.query.entry];
  fs.unlinkSync(targets[0]); // ok: js.path-traversal
  res.sendStatus(204);
});

// Through helpers of the same file.
function avatarPath(user) {
  return "./avatars/" + user + ".png";
}

function defaultAvatar(user) {
  return "./avatars/default.png";
}

app.get("/avatar", (req, res) => {
  res.download(avatarPath(req.query.user)); // expect: js.path-traversal
});

app.get("/avatar-default", (req, res) => {
  res.download(defaultAvatar(req.query.user)); // ok: js.path-traversal
});

// A name refused when it holds "..".
app.get("/themes/:file", (req, res) => {
  const file = req.params.file;
  res.send(fs.readFileSync(path.join(__dirname, "themes", file), "utf8")); // expect: js.path-traversal
});

app.get("/themes-checked/:file", (req, res) => {
  const file = req.params.file;
  if (file.includes("..")) {
    return res.status(400).end();
  }
  res.send(fs.readFileSync(path.join(__dirname, "themes", file), "utf8")); // ok: js.path-traversal
});

// express-fileupload: the uploaded file's own name, or only its base name.
app.post("/upload", (req, res) => {
  const upload = req.files.document;
  upload.mv("./uploads/" + upload.name, () => res.sendStatus(201)); // expect: js.path-traversal
});

app.post("/upload-named", (req, res) => {
  const upload = req.files.document;
  upload.mv("./uploads/" + path.basename(upload.name), () => res.sendStatus(201)); // ok: js.path-traversal
});

// Koa: a branch whose condition is a constant expression.
async function koaLog(ctx) {
  const num = 86;
  const file = (7 * 42) - num > 200 ? ctx.query.file : "app.log";
  ctx.body = await fs.promises.readFile(path.join("/var/log/app", file), "utf8"); // expect: js.path-traversal
}

async function koaLogFixed(ctx) {
  const num = 106;
  const file = (7 * 42) - num > 200 ? ctx.query.file : "app.log";
  ctx.body = await fs.promises.readFile(path.join("/var/log/app", file), "utf8"); // ok: js.path-traversal
}

module.exports = { app, koaLog, koaLogFixed, defaultAvatar };
