const crypto = require("crypto");
const config = require("./config");

// Direct: the cipher named at the call.
function sealLegacy(key, iv, text) {
  const cipher = crypto.createCipheriv("des-ede3-cbc", key, iv); // expect: js.weak-cipher
  return Buffer.concat([cipher.update(text), cipher.final()]);
}

function seal(key, iv, text) {
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv); // ok: js.weak-cipher
  return Buffer.concat([cipher.update(text), cipher.final(), cipher.getAuthTag()]);
}

// A configuration lookup whose default is weak, or strong.
function encryptField(key, iv, value) {
  const algorithm = config.get("fields.cipher", "aes-128-ecb");
  const cipher = crypto.createCipheriv(algorithm, key, iv); // expect: js.weak-cipher
  return cipher.update(value, "utf8", "hex") + cipher.final("hex");
}

function encryptFieldStrong(key, iv, value) {
  const algorithm = config.get("fields.cipher", "aes-256-gcm");
  const cipher = crypto.createCipheriv(algorithm, key, iv); // ok: js.weak-cipher
  return cipher.update(value, "utf8", "hex") + cipher.final("hex");
}

// Through a variable overwritten with a strong name.
function openLegacy(key, data) {
  const algorithm = "rc4";
  const decipher = crypto.createDecipheriv(algorithm, key, null); // expect: js.weak-cipher
  return decipher.update(data);
}

function openUpgraded(key, iv, data) {
  let algorithm = "rc4";
  algorithm = "chacha20-poly1305";
  const decipher = crypto.createDecipheriv(algorithm, key, iv, { authTagLength: 16 }); // ok: js.weak-cipher
  return decipher.update(data);
}

// Through an array of names: the element read is weak, or strong.
function wrapKey(key, iv, secret) {
  const choices = ["bf-cbc", "aes-256-cbc"];
  const cipher = crypto.createCipheriv(choices[0], key, iv); // expect: js.weak-cipher
  return cipher.update(secret);
}

function wrapKeyStrong(key, iv, secret) {
  const choices = ["bf-cbc", "aes-256-cbc"];
  const cipher = crypto.createCipheriv(choices[1], key, iv); // ok: js.weak-cipher
  return cipher.update(secret);
}

// Through helpers of the same file.
function legacyCipher() {
  return "des-cbc";
}

function currentCipher() {
  return "aes-192-gcm";
}

function encryptBackup(key, iv, data) {
  return crypto.createCipheriv(legacyCipher(), key, iv).update(data); // expect: js.weak-cipher
}

function encryptBackupCurrent(key, iv, data) {
  return crypto.createCipheriv(currentCipher(), key, iv).update(data); // ok: js.weak-cipher
}

// An environment variable with a weak fallback, across a branch.
function encryptCookie(key, iv, value, strict) {
  let algorithm = process.env.COOKIE_CIPHER || "aes-256-gcm";
  if (!strict) {
    algorithm = "aes-256-ecb";
  }
  return crypto.createCipheriv(algorithm, key, iv).update(value); // expect: js.weak-cipher
}

function encryptCookieStrict(key, iv, value) {
  let algorithm = process.env.COOKIE_CIPHER || "aes-256-gcm";
  if (7 * 6 !== 42) {
    algorithm = "aes-256-ecb";
  }
  return crypto.createCipheriv(algorithm, key, iv).update(value); // ok: js.weak-cipher
}

module.exports = {
  sealLegacy, seal, encryptField, encryptFieldStrong, openLegacy, openUpgraded, wrapKey,
  wrapKeyStrong, encryptBackup, encryptBackupCurrent, encryptCookie, encryptCookieStrict,
};
