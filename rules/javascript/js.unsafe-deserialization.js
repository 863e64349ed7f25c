const serialize = require("node-serialize");

function profile(req) {
  const user = serialize.unserialize(req.cookies.profile); // expect: js.unsafe-deserialization
  const safe = JSON.parse(req.cookies.profile); // ok: js.unsafe-deserialization
  return [user, safe];
}
