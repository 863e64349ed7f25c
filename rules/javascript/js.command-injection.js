const { exec, execSync, execFile, spawn } = require("child_process");
const express = require("express");
const { quote } = require("shell-quote");

const app = express();
const FORMATS = new Set(["png", "jpg", "webp"]);

// Direct: a host from the query string inside a shell command.
app.get("/ping", (req, res) => {
  exec("ping -c 1 " + req.query.host, (err, out) => res.send(out)); // expect: js.command-injection
});

// Twin: the value is quoted for the shell.
app.get("/ping-quoted", (req, res) => {
  exec("ping -c 1 " + quote([req.query.host]), (err, out) => res.send(out)); // ok: js.command-injection
});

// Through a variable and a template literal.
app.post("/archive", (req, res) => {
  const name = req.body.name;
  const command = `tar czf /tmp/${name}.tgz uploads/`;
  execSync(command); // expect: js.command-injection
  res.sendStatus(204);
});

// Twin: the variable is overwritten with a constant.
app.post("/archive-nightly", (req, res) => {
  let name = req.body.name;
  name = "nightly";
  const command = `tar czf /tmp/${name}.tgz uploads/`;
  execSync(command); // ok: js.command-injection
  res.sendStatus(204);
});

// An allow-list check before the value is used.
app.get("/convert", (req, res) => {
  const format = req.query.format;
  exec(`convert in.bmp out.${format}`, () => res.sendStatus(204)); // expect: js.command-injection
});

app.get("/convert-checked", (req, res) => {
  const format = req.query.format;
  if (!FORMATS.has(format)) {
    return res.status(400).send("unsupported format");
  }
  exec(`convert in.bmp out.${format}`, () => res.sendStatus(204)); // ok: js.command-injection
});

// Through an array: the element read holds request data, or a constant.
app.post("/tools", (req, res) => {
  const commands = ["uptime", req.body.tool, "df -h"];
  execSync(commands[1]); // expect: js.command-injection
  res.sendStatus(204);
});

app.post("/tools-fixed", (req, res) => {
  const commands = ["uptime", req.body.tool, "df -h"];
  execSync(commands[2]); // ok: js.command-injection
  res.sendStatus(204);
});

// Through a helper of the same file.
function gitLog(ref) {
  return "git log --oneline " + ref;
}

function gitStatus(ref) {
  return "git status --short";
}

app.get("/log", (req, res) => {
  exec(gitLog(req.query.ref), (err, out) => res.send(out)); // expect: js.command-injection
});

app.get("/status", (req, res) => {
  exec(gitStatus(req.query.ref), (err, out) => res.send(out)); // ok: js.command-injection
});

// The program of execFile chosen by the user, or a fixed one with the value as an argument.
app.get("/run", (req, res) => {
  execFile(req.query.tool, ["--version"], (err, out) => res.send(out)); // expect: js.command-injection
});

app.get("/run-fixed", (req, res) => {
  execFile("node", ["--version", req.query.tool], (err, out) => res.send(out)); // ok: js.command-injection
});

// A regular expression that admits only digits.
app.get("/kill", (req, res) => {
  const pid = req.query.pid;
  exec("kill " + pid, () => res.sendStatus(204)); // expect: js.command-injection
});

app.get("/kill-checked", (req, res) => {
  const pid = req.query.pid;
  if (!/^[0-9]+$/.test(pid)) {
    return res.status(400).send("bad pid");
  }
  exec("kill " + pid, () => res.sendStatus(204)); // ok: js.command-injection
});

// Command-line arguments and environment variables of a script.
function cleanup() {
  const dir = process.argv[2];
  execSync("rm -rf " + dir); // expect: js.command-injection
}

function cleanupFixed() {
  const dirs = { tmp: "/tmp/build", arg: process.argv[2] };
  execSync("rm -rf " + dirs.tmp); // ok: js.command-injection
}

function openEditor(file) {
  spawn(process.argv[2], [file], { stdio: "inherit" }); // expect: js.command-injection
  spawn("vi", [file], { stdio: "inherit" }); // ok: js.command-injection
}

// spawn with `shell: true` joins its arguments into a command line.
app.get("/video", (req, res) => {
  const input = req.query.input;
  spawn("ffmpeg", ["-i", input, "out.mp4"], { shell: true }); // expect: js.command-injection
  res.sendStatus(202);
});

app.get("/video-no-shell", (req, res) => {
  const input = req.query.input;
  spawn("ffmpeg", ["-i", input, "out.mp4"], { shell: false }); // ok: js.command-injection
  res.sendStatus(202);
});

module.exports = { app, cleanup, cleanupFixed, openEditor, gitStatus };
