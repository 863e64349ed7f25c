const cors = require("cors");

app.use(cors({ origin: true, credentials: true })); // expect: js.cors-wildcard-credentials
app.use(cors({ credentials: true })); // expect: js.cors-wildcard-credentials
app.use(cors({ origin: ["https://app.example.com"], credentials: true })); // ok: js.cors-wildcard-credentials
app.use(cors()); // ok: js.cors-wildcard-credentials
app.use((req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin); // expect: js.cors-wildcard-credentials
  res.setHeader("Access-Control-Allow-Credentials", "true");
  next();
});
app.use((req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*"); // ok: js.cors-wildcard-credentials
  next();
});
