app.get("/search", (req, res) => {
  res.send(`<h1>Results for ${req.query.q}</h1>`); // expect: js.xss-request-data-in-response
  res.status(404).send("Not found: " + req.params.name); // expect: js.xss-request-data-in-response
  res.send(req.query.callback); // expect: js.xss-request-data-in-response
  res.send(`<h1>Results for ${escapeHtml(req.query.q)}</h1>`); // ok: js.xss-request-data-in-response
  res.json({ q: req.query.q }); // ok: js.xss-request-data-in-response
  const name = req.query.name;
  res.send(`<p>Hello ${name}</p>`); // expect: js.xss-request-data-in-response
  const title = "Search";
  res.send(`<h1>${title}</h1>`); // ok: js.xss-request-data-in-response
});
