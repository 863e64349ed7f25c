function pickColor(colors) {
  return colors[Math.floor(Math.random() * colors.length)]; // expect: js.weak-random
}

function makeInvite() {
  const code = Math.random().toString(36).slice(2); // expect: js.weak-random
  return code;
}

function createSessionToken() {
  return Math.random().toString(36); // expect: js.weak-random
}

function secureId() {
  return crypto.randomUUID(); // ok: js.weak-random
}
