const https = require("https");

process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // expect: js.tls-verification-disabled
const agent = new https.Agent({ rejectUnauthorized: false }); // expect: js.tls-verification-disabled
const strict = new https.Agent({ rejectUnauthorized: true }); // ok: js.tls-verification-disabled
const withCa = new https.Agent({ ca: process.env.CA_BUNDLE }); // ok: js.tls-verification-disabled
module.exports = { agent, strict, withCa };
