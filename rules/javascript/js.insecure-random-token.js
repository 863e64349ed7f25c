function generateResetToken() {
  return Math.random().toString(36).slice(2); // expect: js.insecure-random-token
}

function login(user) {
  const sessionId = Math.random().toString(36).substring(2); // expect: js.insecure-random-token
  const safeToken = require("crypto").randomBytes(32).toString("hex"); // ok: js.insecure-random-token
  const tipIndex = Math.floor(Math.random() * tips.length); // ok: js.insecure-random-token
  return { sessionId, safeToken, tipIndex, user };
}
