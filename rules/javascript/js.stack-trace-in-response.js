app.use((err, req, res, next) => {
  res.status(500).json({ message: err.message, stack: err.stack }); // expect: js.stack-trace-in-response
  res.status(500).json({ message: "Internal error", id: req.id }); // ok: js.stack-trace-in-response
});
