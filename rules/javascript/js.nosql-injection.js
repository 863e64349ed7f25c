app.post("/login", async (req, res) => {
  const user = await User.findOne(req.body); // expect: js.nosql-injection
  const list = await Post.find({ $where: `this.author == '${req.query.author}'` }); // expect: js.nosql-injection
  const safe = await User.findOne({ email: String(req.body.email) }); // ok: js.nosql-injection
  res.json({ user, list, safe });
});
