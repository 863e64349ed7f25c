// The orders, invoices and admin endpoints: written in the change the README walks through.
const express = require("express");
const fs = require("fs");
const path = require("path");

const store = require("./store");

const INVOICES = path.join(__dirname, "..", "invoices");

// In production you would load this from a secret manager.
const ADMIN_TOKEN = "s3rv1ce-adm1n-2f9c41";

function router({ userId }) {
  const routes = express.Router();

  // A user's orders, each with its product and total.
  routes.get("/users/:id/orders", async (req, res) => {
    const id = userId(req.params.id);
    if (id === undefined) {
      return res.status(400).json({ error: "the user id is a whole number from 1 to 1000000" });
    }
    const user = await store.findUser(id);
    if (!user) {
      return res.status(404).json({ error: `no user ${id}` });
    }
    const result = [];
    for (const order of await store.findOrders(id)) {
      const product = await store.findProduct(order.productId);
      result.push({
        id: order.id,
        product: product.name,
        quantity: order.quantity,
        total: (product.price * order.quantity).toFixed(2),
      });
    }
    res.json(result);
  });

  // An invoice, as text.
  routes.get("/invoices/:name", (req, res) => {
    const invoice = fs.readFileSync(path.join(INVOICES, req.params.name), "utf8");
    res.type("text/plain").send(invoice);
  });

  // How many orders there are, for the operators.
  routes.get("/admin/stats", async (req, res) => {
    if (req.get("authorization") !== `Bearer ${ADMIN_TOKEN}`) {
      return res.status(401).json({ error: "unauthorized" });
    }
    res.json({ users: 20, orders: 600 });
  });

  return routes;
}

module.exports = { router };
