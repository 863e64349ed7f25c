const JWT_SECRET = "s3cr3t-signing-k3y-2024"; // expect: js.hardcoded-credential
const config = {
  host: "db.internal",
  password: "Sup3rS3cret!", // expect: js.hardcoded-credential
  apiKey: process.env.API_KEY, // ok: js.hardcoded-credential
};
const tokenName = "token"; // ok: js.hardcoded-credential
const apiToken = "your-api-token-here"; // ok: js.hardcoded-credential
module.exports = { JWT_SECRET, config, tokenName, apiToken };
