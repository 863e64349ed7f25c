const crypto = require("crypto");

function encrypt(password, text) {
  const cipher = crypto.createCipher("aes192", password); // expect: js.cipher-without-iv
  return cipher.update(text, "utf8", "hex") + cipher.final("hex");
}

function decrypt(password, data) {
  const decipher = crypto.createDecipher("aes192", password); // expect: js.cipher-without-iv
  return decipher.update(data, "hex", "utf8") + decipher.final("utf8");
}

function encryptWithIv(password, salt, iv, text) {
  const key = crypto.scryptSync(password, salt, 32);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv); // ok: js.cipher-without-iv
  return Buffer.concat([cipher.update(text), cipher.final(), cipher.getAuthTag()]);
}
