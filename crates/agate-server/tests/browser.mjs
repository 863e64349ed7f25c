// What the tests that drive the dashboard in a headless Chromium share: the browser
// (playwright-core over the system's chromium) and the login form.
//
// Needs NODE_PATH to hold playwright-core and AGATE_TEST_CHROMIUM the browser.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");

export function check(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

// A headless Chromium that reaches nothing but the pages it is sent to.
export function launch() {
  return chromium.launch({
    executablePath: process.env.AGATE_TEST_CHROMIUM,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

// Logs in with `token` through the login form and checks it lands on the overview.
export async function logIn(page, base, token) {
  await page.goto(base + "/login");
  await page.fill("input[name=token]", token);
  await page.click("button");
  check(page.url() === base + "/", `logged in to the overview, got ${page.url()}`);
}
