const COOKIE_OPTIONS = { httpOnly: true, secure: true, sameSite: "lax" };

app.post("/login", (req, res) => {
  res.cookie("session", token, { httpOnly: false }); // expect: js.insecure-cookie
  res.cookie("remember", token, { secure: false, httpOnly: false, maxAge: 0 }); // expect: js.insecure-cookie
  res.cookie("session", token, { httpOnly: true, secure: true, sameSite: "lax" }); // ok: js.insecure-cookie
});

app.post("/remember", (req, res) => {
  res.cookie("remember", req.user.id); // expect: js.insecure-cookie
  res.cookie("remember", req.user.id, COOKIE_OPTIONS); // ok: js.insecure-cookie
});

app.post("/theme", (req, res) => {
  res.cookie("theme", "dark", { maxAge: 86400000, secure: true }); // expect: js.insecure-cookie
  res.cookie("theme", "dark", { maxAge: 86400000, secure: true, httpOnly: true }); // ok: js.insecure-cookie
});

router.post("/koa-login", async (ctx) => {
  ctx.cookies.set("session", ctx.state.token, { httpOnly: true }); // expect: js.insecure-cookie
  ctx.cookies.set("session", ctx.state.token, { httpOnly: true, secure: true }); // ok: js.insecure-cookie
});

fastify.post("/f-login", async (request, reply) => {
  reply.setCookie("session", request.body.token, { secure: false, httpOnly: true }); // expect: js.insecure-cookie
  reply.setCookie("session", request.body.token, { secure: true, httpOnly: true }); // ok: js.insecure-cookie
});

app.get("/read", (req, res) => {
  res.send(req.cookies.session); // ok: js.insecure-cookie
  res.set("Cache-Control", "no-store"); // ok: js.insecure-cookie
});
