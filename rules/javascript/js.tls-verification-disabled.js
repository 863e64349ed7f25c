const https = require("https");
const request = require("request");

process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // expect: js.tls-verification-disabled
process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = 0; // expect: js.tls-verification-disabled
const agent = new https.Agent({ rejectUnauthorized: false }); // expect: js.tls-verification-disabled
request({ url: "https://example.com", strictSSL: false }); // expect: js.tls-verification-disabled
const strict = new https.Agent({ rejectUnauthorized: true }); // ok: js.tls-verification-disabled
const withCa = new https.Agent({ ca: process.env.CA_BUNDLE }); // ok: js.tls-verification-disabled
module.exports = { agent, strict, withCa };
