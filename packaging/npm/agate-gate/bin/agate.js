#!/usr/bin/env node
// The `agate` command of the npm package: runs the agate binary of this platform's package
// (agate-gate-<platform>-<arch>, an optional dependency npm installs only where it fits)
// with this process's arguments and standard streams, passes on the signals this process
// gets, and exits as the binary does (with its exit code, or by its signal).
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");

const PLATFORMS = new Set(["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-x64"]);

// Exit code 3: agate could not do its job (docs/install.md).
function fail(message) {
  process.stderr.write(`agate: ${message}\n`);
  process.exit(3);
}

const platform = `${process.platform}-${process.arch}`;
if (!PLATFORMS.has(platform)) {
  fail(`no prebuilt binary for \`${platform}\`\n  help: build it with \`cargo install --locked --git https://github.com/agate-dev/agate agate\``);
}
const name = `agate-gate-${platform}`;
let binary;
try {
  const folder = path.dirname(require.resolve(`${name}/package.json`));
  binary = path.join(folder, "bin", process.platform === "win32" ? "agate.exe" : "agate");
} catch {
  fail(`the package \`${name}\` is not installed (installed with --omit=optional?)\n  help: reinstall agate-gate with optional dependencies`);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const forwarders = SIGNALS.map((signal) => {
  const forward = () => child.kill(signal);
  process.on(signal, forward);
  return [signal, forward];
});
child.on("error", (error) => fail(`cannot run \`${binary}\`: ${error.message}`));
child.on("exit", (code, signal) => {
  for (const [name, forward] of forwarders) {
    process.removeListener(name, forward);
  }
  if (signal) {
    // End the same way, so whoever started this sees the signal.
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 3);
});
