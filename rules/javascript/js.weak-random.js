function pickColor(colors) {
  return colors[Math.floor(Math.random() * colors.length)]; // expect: js.weak-random
}

function makeInvite() {
  const code = Math.random().toString(36).slice(2); // expect: js.weak-random
  return code;
}

function createSessionToken() {
  return Math.random().toString(36); // ok: js.weak-random
}

function secureId() {
  return crypto.randomUUID(); // ok: js.weak-random
}

function makeToken(chars) {
  let out = "";
  for (let k = 0; k < 16; k++) {
    out += chars[Math.floor(Math.random() * chars.length)]; // expect: js.weak-random
  }
  return out;
}

const tokenFactory = () => Math.random().toString(36); // expect: js.weak-random

function createPin() {
  const pin = parseInt(Math.random() * 10000, 10); // expect: js.weak-random
  return pin;
}

function login(user) {
  const sessionId = Math.random().toString(36).substring(2); // ok: js.weak-random
  return { user, sessionId };
}
