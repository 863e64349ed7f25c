// The orders, invoices and admin endpoints: written in the change the README walks through.
const crypto = require("crypto");
const express = require("express");
const fs = require("fs");
const path = require("path");

const store = require("./store");

const INVOICES = path.join(__dirname, "..", "invoices");
// The invoices there are: a name from the request is only ever one of these.
const INVOICE_FILES = fs.readdirSync(INVOICES).filter((name) => name.endsWith(".txt"));

// Whether the request carries the operators' token (ADMIN_TOKEN, from the environment).
// Without one configured, nobody is let in.
function isAdmin(req) {
  const token = process.env.ADMIN_TOKEN;
  const given = req.get("authorization") || "";
  if (!token) {
    return false;
  }
  const expected = Buffer.from(`Bearer ${token}`);
  const actual = Buffer.from(given);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

function router({ userId }) {
  const routes = express.Router();

  // A user's orders, each with its product and total: two queries, whatever the count.
  routes.get("/users/:id/orders", async (req, res) => {
    const id = userId(req.params.id);
    if (id === undefined) {
      return res.status(400).json({ error: "the user id is a whole number from 1 to 1000000" });
    }
    const user = await store.findUser(id);
    if (!user) {
      return res.status(404).json({ error: `no user ${id}` });
    }
    const orders = await store.findOrders(id);
    const products = await store.findProducts([...new Set(orders.map((order) => order.productId))]);
    const byId = new Map(products.map((product) => [product.id, product]));
    res.json(
      orders.map((order) => {
        const product = byId.get(order.productId);
        return {
          id: order.id,
          product: product.name,
          quantity: order.quantity,
          total: Math.round(product.price * order.quantity * 100) / 100,
        };
      }),
    );
  });

  // An invoice, as text: only a file of the invoices folder, by its exact name.
  routes.get("/invoices/:name", (req, res) => {
    const name = req.params.name;
    if (!INVOICE_FILES.includes(name)) {
      return res.status(404).json({ error: "no such invoice" });
    }
    res.type("text/plain").send(fs.readFileSync(path.join(INVOICES, name), "utf8"));
  });

  // How many orders there are, for the operators.
  routes.get("/admin/stats", async (req, res) => {
    if (!isAdmin(req)) {
      return res.status(401).json({ error: "unauthorized" });
    }
    res.json({ users: 20, orders: 600 });
  });

  return routes;
}

module.exports = { router };
