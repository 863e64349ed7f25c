const crypto = require("crypto");

function hashPassword(password) {
  return crypto.createHash("md5").update(password).digest("hex"); // expect: js.weak-password-hash
}

function checksum(buffer) {
  const etag = crypto.createHash("md5").update(buffer).digest("hex"); // ok: js.weak-password-hash
  const strong = crypto.createHash("sha256").update(buffer).digest("hex"); // ok: js.weak-password-hash
  return [etag, strong];
}
