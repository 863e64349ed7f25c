function login(username, password, token) {
  console.log("login", username, password); // expect: js.logging-sensitive-data
  logger.debug(`issued ${user.token}`); // expect: js.logging-sensitive-data
  console.log("invalid password for", username); // ok: js.logging-sensitive-data
  logger.info("logged in", { userId: user.id }); // ok: js.logging-sensitive-data
  console.log("api key configured:", Boolean(apiKey), token.length); // ok: js.logging-sensitive-data
}
