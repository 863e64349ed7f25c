app.post("/login", (req, res) => {
  res.cookie("session", token, { httpOnly: false }); // expect: js.insecure-cookie
  res.cookie("remember", token, { secure: false, httpOnly: false, maxAge: 0 }); // expect: js.insecure-cookie
  res.cookie("session", token, { httpOnly: true, secure: true, sameSite: "lax" }); // ok: js.insecure-cookie
});
