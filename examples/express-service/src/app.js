// The orders service: health, users, and the routes of ./orders.
const express = require("express");

const store = require("./store");
const orders = require("./orders");

const app = express();

app.get("/health", (req, res) => {
  res.json({ status: "ok" });
});

// A user id is a whole number from 1 to 1000000; anything else is a bad request.
function userId(text) {
  return /^[1-9][0-9]{0,6}$/.test(text) ? Number(text) : undefined;
}

app.get("/users/:id", async (req, res) => {
  const id = userId(req.params.id);
  if (id === undefined) {
    return res.status(400).json({ error: "the user id is a whole number from 1 to 1000000" });
  }
  const user = await store.findUser(id);
  if (!user) {
    return res.status(404).json({ error: `no user ${id}` });
  }
  res.json(user);
});

app.use(orders.router({ userId }));

module.exports = { app };
