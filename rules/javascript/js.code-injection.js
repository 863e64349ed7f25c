function calculate(req, res) {
  const result = eval(req.body.expression); // expect: js.code-injection
  const fn = new Function("a", "b", req.body.code); // expect: js.code-injection
  setTimeout("refresh(" + req.query.id + ")", 100); // expect: js.code-injection
  const data = JSON.parse(req.body.payload); // ok: js.code-injection
  setTimeout(() => refresh(req.query.id), 100); // ok: js.code-injection
  const two = eval("1 + 1"); // ok: js.code-injection
  res.json({ result, fn, data, two });
}
