app.get("/search", (req, res) => {
  const pattern = new RegExp(req.query.q, "i"); // expect: js.regex-injection
  const safe = new RegExp(escapeRegExp(req.query.q), "i"); // ok: js.regex-injection
  res.json(items.filter((item) => pattern.test(item) || safe.test(item)));
});
