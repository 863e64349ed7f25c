const jwt = require("jsonwebtoken");

function authenticate(req, res, next) {
  req.user = jwt.decode(req.headers.authorization); // expect: js.jwt-verification-weakened
  next();
}

function verifyToken(token, key) {
  const weak = jwt.verify(token, key, { algorithms: ["HS256", "none"] }); // expect: js.jwt-verification-weakened
  const good = jwt.verify(token, key, { algorithms: ["HS256"] }); // ok: js.jwt-verification-weakened
  return [weak, good];
}

function showHeader(token) {
  return jwt.decode(token, { complete: true }).header; // ok: js.jwt-verification-weakened
}
