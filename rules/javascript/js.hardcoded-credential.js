const JWT_SECRET = "s3cr3t-signing-k3y-2024"; // expect: js.hardcoded-credential
const config = {
  host: "db.internal",
  password: "Sup3rS3cret!", // expect: js.hardcoded-credential
  apiKey: process.env.API_KEY, // ok: js.hardcoded-credential
};
const tokenName = "token"; // ok: js.hardcoded-credential
const apiToken = "your-api-token-here"; // ok: js.hardcoded-credential
const SESSION_SECRET = "supersecretkey"; // expect: js.hardcoded-credential
const PASSWORD_CHARS = "%!*'();:@&=+$"; // ok: js.hardcoded-credential
const proxyPassword = "http.proxy.password"; // ok: js.hardcoded-credential
const ADMIN_PASSWORD = "LetMeInAdmin"; // expect: js.hardcoded-credential
module.exports = { JWT_SECRET, config, tokenName, apiToken };
