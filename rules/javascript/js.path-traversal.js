const fs = require("fs");
const path = require("path");

app.get("/files/:name", (req, res) => {
  const file = path.join(__dirname, "uploads", req.params.name); // expect: js.path-traversal
  fs.readFile("uploads/" + req.query.file, (err, data) => res.send(data)); // expect: js.path-traversal
  res.sendFile(req.params.name, { root: path.join(__dirname, "uploads") }); // ok: js.path-traversal
  const safe = path.join(__dirname, "uploads", path.basename(req.params.name)); // ok: js.path-traversal
  const name = req.query.name;
  fs.createReadStream(`./reports/${name}`).pipe(res); // expect: js.path-traversal
  return [file, safe];
});
