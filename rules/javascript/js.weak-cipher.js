const crypto = require("crypto");

function encrypt(key, iv, text) {
  const des = crypto.createCipheriv("des-ede3-cbc", key, iv); // expect: js.weak-cipher
  const ecb = crypto.createCipheriv("aes-256-ecb", key, null); // expect: js.weak-cipher
  const old = crypto.createCipher("aes192", "password"); // expect: js.weak-cipher
  const gcm = crypto.createCipheriv("aes-256-gcm", key, iv); // ok: js.weak-cipher
  return [des, ecb, old, gcm, text];
}
