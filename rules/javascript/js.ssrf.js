const axios = require("axios");

app.get("/preview", async (req, res) => {
  const page = await fetch(req.query.url); // expect: js.ssrf
  const data = await axios.get(req.body.webhook); // expect: js.ssrf
  const fixed = await axios.get("https://api.example.com/items", { params: { q: req.query.q } }); // ok: js.ssrf
  const { callback } = req.body;
  await axios.post(callback, { ok: true }); // expect: js.ssrf
  res.json({ page: await page.text(), data: data.data, fixed: fixed.data });
});
