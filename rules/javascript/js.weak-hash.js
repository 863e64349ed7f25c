const crypto = require("crypto");
const config = require("./config");

// Direct: the algorithm named at the call.
function fingerprint(data) {
  return crypto.createHash("md5").update(data).digest("hex"); // expect: js.weak-hash
}

function fingerprintStrong(data) {
  return crypto.createHash("sha256").update(data).digest("hex"); // ok: js.weak-hash
}

// A configuration lookup whose default is weak, or strong.
function signature(payload) {
  const algorithm = config.get("signature.hash", "sha1");
  return crypto.createHash(algorithm).update(payload).digest("base64"); // expect: js.weak-hash
}

function signatureStrong(payload) {
  const algorithm = config.get("signature.hash", "sha512");
  return crypto.createHash(algorithm).update(payload).digest("base64"); // ok: js.weak-hash
}

// An environment variable with a weak fallback.
function tokenDigest(token) {
  const algorithm = process.env.TOKEN_HASH || "MD5";
  return crypto.createHash(algorithm).update(token).digest("hex"); // expect: js.weak-hash
}

function tokenDigestStrong(token) {
  const algorithm = process.env.TOKEN_HASH || "sha3-256";
  return crypto.createHash(algorithm).update(token).digest("hex"); // ok: js.weak-hash
}

// Through an object of algorithms: the slot read is weak, or strong.
const ALGORITHMS = { legacy: "md4", current: "sha256" };

function archiveDigest(buffer) {
  const names = { legacy: "md4", current: "sha256" };
  return crypto.createHash(names.legacy).update(buffer).digest("hex"); // expect: js.weak-hash
}

function archiveDigestCurrent(buffer) {
  const names = { legacy: "md4", current: "sha256" };
  return crypto.createHash(names.current).update(buffer).digest("hex"); // ok: js.weak-hash
}

// Through helpers of the same file.
function legacyAlgorithm() {
  return "sha1";
}

function modernAlgorithm() {
  return "sha384";
}

function hashPassword(password) {
  return crypto.createHash(legacyAlgorithm()).update(password).digest("hex"); // expect: js.weak-hash
}

function hashPasswordModern(password) {
  return crypto.createHash(modernAlgorithm()).update(password).digest("hex"); // ok: js.weak-hash
}

// WebCrypto in the browser, across a branch whose condition is a constant expression.
async function digestFile(bytes) {
  const num = 86;
  const name = (7 * 42) - num > 200 ? "SHA-1" : "SHA-256";
  return crypto.subtle.digest(name, bytes); // expect: js.weak-hash
}

async function digestFileStrong(bytes) {
  const num = 106;
  const name = (7 * 42) - num > 200 ? "SHA-1" : "SHA-256";
  return crypto.subtle.digest(name, bytes); // ok: js.weak-hash
}

module.exports = {
  ALGORITHMS, fingerprint, fingerprintStrong, signature, signatureStrong, tokenDigest,
  tokenDigestStrong, archiveDigest, archiveDigestCurrent, hashPassword, hashPasswordModern,
  digestFile, digestFileStrong,
};
