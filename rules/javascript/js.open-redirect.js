app.get("/login/done", (req, res) => {
  if (req.query.next) {
    return res.redirect(req.query.next); // expect: js.open-redirect
  }
  res.redirect("/users/" + req.params.id); // ok: js.open-redirect
  res.redirect("/dashboard"); // ok: js.open-redirect
  const { returnTo } = req.query;
  res.redirect(returnTo); // expect: js.open-redirect
});
