const crypto = require("crypto");

// Direct: a session id from Math.random.
function startSession(user) {
  const sessionId = Math.random().toString(36).slice(2); // expect: js.weak-random-secret
  return { user, sessionId };
}

// Twin: the id comes from the CSPRNG.
function startSessionSecure(user) {
  const sessionId = crypto.randomBytes(16).toString("hex"); // ok: js.weak-random-secret
  return { user, sessionId };
}

// Through a variable into a property named like a token.
function issueReset(account) {
  const raw = Math.random().toString(16);
  account.resetToken = raw.substring(2); // expect: js.weak-random-secret
  return account;
}

function issueResetSecure(account) {
  let raw = Math.random().toString(16);
  raw = crypto.randomUUID();
  account.resetToken = raw; // ok: js.weak-random-secret
  return account;
}

// Through an object literal's key.
function apiCredentials(owner) {
  const suffix = Math.random().toString(36);
  return { owner, apiKey: "key_" + suffix }; // expect: js.weak-random-secret
}

function apiCredentialsSecure(owner) {
  const parts = { weak: Math.random().toString(36), strong: crypto.randomBytes(24).toString("base64url") };
  return { owner, apiKey: "key_" + parts.strong }; // ok: js.weak-random-secret
}

// Through a helper of the same file.
function randomString() {
  return Math.random().toString(36).slice(2, 10);
}

function secureString() {
  return crypto.randomBytes(8).toString("hex");
}

function makeCredentials() {
  const password = randomString(); // expect: js.weak-random-secret
  return password;
}

function makeCredentialsSecure() {
  const password = secureString(); // ok: js.weak-random-secret
  return password;
}

// Passed to a function named like a secret store, across a branch.
function rememberNonce(store, strict) {
  let value;
  if (strict) {
    value = crypto.randomBytes(12).toString("hex");
  } else {
    value = Math.random().toString(36);
  }
  store.saveNonce(value); // expect: js.weak-random-secret
}

function rememberNonceSecure(store) {
  let value = Math.random().toString(36);
  if (7 * 6 === 42) {
    value = crypto.randomBytes(12).toString("hex");
  }
  store.saveNonce(value); // ok: js.weak-random-secret
}

// A random number that is not a secret at all.
function pickTip(tips) {
  const tip = tips[Math.floor(Math.random() * tips.length)]; // ok: js.weak-random-secret
  return tip;
}

module.exports = {
  startSession, startSessionSecure, issueReset, issueResetSecure, apiCredentials,
  apiCredentialsSecure, makeCredentials, makeCredentialsSecure, rememberNonce, rememberNonceSecure, pickTip,
};

// What a function named like a secret returns.
function generateResetToken() {
  return Math.random().toString(36).slice(2); // expect: js.weak-random-secret
}

function generateResetTokenSecure() {
  const sources = [Math.random().toString(36), crypto.randomBytes(16).toString("hex")];
  return sources[1]; // ok: js.weak-random-secret
}

// A numeric code scaled and rounded from Math.random.
function sendLogin(user) {
  const otp = Math.floor(Math.random() * 1000000); // expect: js.weak-random-secret
  return { user, otp };
}

function sendLoginSecure(user) {
  const otp = crypto.randomInt(0, 1000000); // ok: js.weak-random-secret
  return { user, otp };
}

// Characters picked one by one.
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function randomLetters() {
  let code = "";
  for (let n = 0; n < 8; n++) {
    code += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  }
  return code;
}

function issueInvite(user) {
  user.inviteCode = randomLetters(); // expect: js.weak-random-secret
}

function issueInviteSecure(user) {
  user.inviteCode = crypto.randomBytes(6).toString("base64url"); // ok: js.weak-random-secret
}

function resetCodeFor(user) {
  const drawn = Math.random() * 1e6;
  user.resetCode = Math.floor(drawn); // expect: js.weak-random-secret
}

function resetCodeForSecure(user) {
  const drawn = crypto.randomInt(1e6);
  user.resetCode = Math.floor(drawn); // ok: js.weak-random-secret
}

module.exports.more = {
  resetCodeFor, resetCodeForSecure,
  randomLetters, issueInvite, issueInviteSecure, generateResetToken, generateResetTokenSecure, sendLogin, sendLoginSecure };
