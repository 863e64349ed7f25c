const express = require("express");

const app = express();
const RETURN_PATHS = ["/", "/account", "/orders"];

// Direct: the `next` parameter is the target.
app.get("/login/done", (req, res) => {
  res.redirect(req.query.next); // expect: js.open-redirect
});

// Twin: only known paths are accepted.
app.get("/login/checked", (req, res) => {
  const next = req.query.next;
  if (!RETURN_PATHS.includes(next)) {
    return res.redirect("/");
  }
  res.redirect(next); // ok: js.open-redirect
});

// Through a variable and a template literal; twin overwritten with a constant.
app.get("/go", (req, res) => {
  const host = req.query.host;
  res.redirect(302, `https://${host}/welcome`); // expect: js.open-redirect
});

app.get("/go-home", (req, res) => {
  let host = req.query.host;
  host = "www.example.com";
  res.redirect(302, `https://${host}/welcome`); // ok: js.open-redirect
});

// A fixed local path before the value keeps the redirect on this site; a bare "/" does not
// ("/" + "/evil.example" is protocol-relative).
app.get("/users-page", (req, res) => {
  res.redirect("/" + req.query.page); // expect: js.open-redirect
});

app.get("/users-profile", (req, res) => {
  res.redirect("/users/" + req.query.id); // ok: js.open-redirect
});

// A value used only as an encoded query parameter of a local path.
app.get("/search", (req, res) => {
  res.redirect("/results?q=" + encodeURIComponent(req.query.q)); // ok: js.open-redirect
});

app.get("/search-raw", (req, res) => {
  const base = req.query.base;
  res.redirect(base + "/results"); // expect: js.open-redirect
});

// Through an object slot.
app.post("/logout", (req, res) => {
  const targets = { home: "/", custom: req.body.returnTo };
  res.location(targets.custom).sendStatus(302); // expect: js.open-redirect
});

app.post("/logout-home", (req, res) => {
  const targets = { home: "/", custom: req.body.returnTo };
  res.location(targets.home).sendStatus(302); // ok: js.open-redirect
});

// Through helpers of the same file.
function afterLogin(target) {
  return target;
}

function dashboard(target) {
  return "/dashboard";
}

app.get("/welcome", (req, res) => {
  res.redirect(afterLogin(req.query.target)); // expect: js.open-redirect
});

app.get("/welcome-dashboard", (req, res) => {
  res.redirect(dashboard(req.query.target)); // ok: js.open-redirect
});

// Koa.
async function koaReturn(ctx) {
  const back = ctx.query.back;
  ctx.redirect(back); // expect: js.open-redirect
}

async function koaReturnFixed(ctx) {
  const num = 106;
  const back = (7 * 42) - num > 200 ? ctx.query.back : "/";
  ctx.redirect(back); // ok: js.open-redirect
}

// Next.js middleware: a local path resolved against the request's URL, or the user's target.
export function middleware(request) {
  const target = request.nextUrl.searchParams.get("to");
  return NextResponse.redirect(new URL(target, request.url)); // expect: js.open-redirect
}

export function loginMiddleware(request) {
  const target = request.nextUrl.searchParams.get("to");
  return NextResponse.redirect(new URL("/login", request.url)); // ok: js.open-redirect
}

// In the browser: the fragment becomes the location.
function followFragment() {
  const target = location.hash.slice(1);
  window.location.href = target; // expect: js.open-redirect
}

function followFragmentKnown() {
  const target = location.hash.slice(1);
  if (RETURN_PATHS.includes(target)) {
    window.location.href = target; // ok: js.open-redirect
  }
}

module.exports = { app, koaReturn, koaReturnFixed, followFragment, followFragmentKnown, dashboard };
