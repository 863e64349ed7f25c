// Drives the dashboard in a real headless Chromium (playwright-core over Debian's
// chromium): login, the overview and a run's page, asserting the text people read, that
// uploaded text shows as text (a stored-XSS attempt runs no script), the session cookie's
// attributes, CSRF refusal, and screenshots that show content.
//
//   node dashboard.mjs BASE_URL TOKEN OTHER_TEAM_RUN_ID OUT_DIR
//
// Needs NODE_PATH to hold playwright-core and AGATE_TEST_CHROMIUM the browser.
import { inflateSync } from "node:zlib";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { check, launch, logIn } from "./browser.mjs";

const [base, token, otherRun, out] = process.argv.slice(2);

// Decodes an 8-bit RGBA or RGB, non-interlaced PNG (what Chromium writes) and returns the
// share of pixels that are not near-white.
function inkShare(png) {
  let offset = 8;
  let width = 0, height = 0, channels = 4;
  const idat = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("ascii", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      check(data[8] === 8 && data[12] === 0, "an 8-bit non-interlaced PNG");
      channels = data[9] === 6 ? 4 : 3;
    } else if (type === "IDAT") {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const previous = Buffer.alloc(stride);
  const line = Buffer.alloc(stride);
  let ink = 0;
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const source = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels] : 0;
      const b = previous[x];
      const c = x >= channels ? previous[x - channels] : 0;
      let value = source[x];
      if (filter === 1) value += a;
      else if (filter === 2) value += b;
      else if (filter === 3) value += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        value += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[x] = value & 255;
    }
    for (let x = 0; x < stride; x += channels) {
      if (line[x] < 200 || line[x + 1] < 200 || line[x + 2] < 200) ink++;
    }
    line.copy(previous);
  }
  return ink / (width * height);
}

const browser = await launch();
const results = {};
try {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const dialogs = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    dialog.dismiss();
  });

  // Without a session, the dashboard sends people to the login form.
  await page.goto(base + "/");
  check(page.url() === base + "/login", `redirected to the login form, got ${page.url()}`);
  check((await page.textContent("h1")) === "Log in", "the login form's heading");
  const login = await page.screenshot({ fullPage: true });
  writeFileSync(join(out, "login.png"), login);

  await page.fill("input[name=token]", "agate_not-a-token");
  await page.click("button");
  check((await page.textContent("main")).includes("unknown token"), "an unknown token is refused");

  await logIn(page, base, token);
  const overview = await page.textContent("main");
  for (const text of [
    "Pass rate, last 30 days", "AI-authored lines: 40%", "Claude", "claude-opus-4-7",
    "Noisiest rules", "py.insecure-cookie", "Risk acceptances ending within 30 days",
    "bank/<script>alert(1)</script>",
  ]) {
    check(overview.includes(text), `the overview shows ${JSON.stringify(text)}`);
  }
  check(!overview.includes("other/secret-repo"), "another team's repository is not shown");
  results.overview = overview.length;

  const cookies = await context.cookies();
  const session = cookies.find((cookie) => cookie.name === "agate_session");
  check(session && session.httpOnly && session.secure && session.sameSite === "Strict",
    `the session cookie is HttpOnly, Secure, SameSite=Strict: ${JSON.stringify(session)}`);

  const shot = await page.screenshot({ fullPage: true });
  writeFileSync(join(out, "overview.png"), shot);
  results.ink = { login: inkShare(login), overview: inkShare(shot) };
  check(results.ink.overview > 0.02, `the overview's screenshot shows content: ${results.ink.overview}`);
  check(results.ink.overview > results.ink.login * 1.5, "the overview shows more than the login form");

  // A run's page, filtered.
  await page.click("td a");
  check(/\/runs\/\d+$/.test(page.url()), `a run's page, got ${page.url()}`);
  let findings = await page.textContent("main");
  check(findings.includes("<img src=x onerror=alert(1)>"), "a hostile message shows as text");
  check(findings.includes("py.sql-injection") && findings.includes("py.insecure-cookie"), "both findings listed");
  await page.fill("input[name=severity]", "high");
  await page.click("form[method=get] button");
  findings = await page.textContent("table:last-of-type");
  check(findings.includes("py.sql-injection") && !findings.includes("py.insecure-cookie"), "the severity filter applies");

  // Another team's run is forbidden.
  const forbidden = await page.goto(`${base}/runs/${otherRun}`);
  check(forbidden.status() === 403, `another team's run is 403, got ${forbidden.status()}`);

  // A form without the session's CSRF secret changes nothing.
  const forged = await page.request.post(base + "/logout", { form: { csrf: "forged" }, maxRedirects: 0 });
  check(forged.status() === 403, `a forged logout is refused, got ${forged.status()}`);
  await page.goto(base + "/");
  check(page.url() === base + "/", "still logged in after the forged form");

  await page.click("header button");
  check(page.url() === base + "/login", `logged out, got ${page.url()}`);
  await page.goto(base + "/");
  check(page.url() === base + "/login", "the session ended");

  check(dialogs.length === 0, `no script ran: ${JSON.stringify(dialogs)}`);
  console.log(JSON.stringify(results));
} finally {
  await browser.close();
}
