const express = require("express");
const mysql = require("mysql2");

const app = express();
const db = mysql.createConnection({ host: "localhost", user: "app", database: "shop" });
const SORTABLE = ["name", "price", "created_at"];

// Direct: the id from the path is concatenated into the query text.
app.get("/items/:id", (req, res) => {
  db.query("SELECT * FROM items WHERE id = " + req.params.id, (err, rows) => res.json(rows)); // expect: js.sql-injection
});

// Direct twin: the id travels as a bound parameter.
app.get("/items-bound/:id", (req, res) => {
  db.query("SELECT * FROM items WHERE id = ?", [req.params.id], (err, rows) => res.json(rows)); // ok: js.sql-injection
});

// Through a variable and a template literal.
app.get("/search", async (req, res) => {
  const term = req.query.q;
  const sql = `SELECT * FROM items WHERE title LIKE '%${term}%'`;
  const [rows] = await db.promise().query(sql); // expect: js.sql-injection
  res.json(rows);
});

// Twin: the variable is overwritten with a constant before it is used.
app.get("/search-fixed", async (req, res) => {
  let term = req.query.q;
  term = "lamp";
  const sql = `SELECT * FROM items WHERE title LIKE '%${term}%'`;
  const [rows] = await db.promise().query(sql); // ok: js.sql-injection
  res.json(rows);
});

// A column name from the query string: allowed only if it is in the list.
app.get("/sorted", (req, res) => {
  const column = req.query.sort;
  db.query("SELECT * FROM items ORDER BY " + column, (err, rows) => res.json(rows)); // expect: js.sql-injection
});

app.get("/sorted-checked", (req, res) => {
  const column = req.query.sort;
  if (!SORTABLE.includes(column)) {
    return res.status(400).send("bad sort column");
  }
  db.query("SELECT * FROM items ORDER BY " + column, (err, rows) => res.json(rows)); // ok: js.sql-injection
});

// Through an object: the slot read is the one that holds request data.
app.post("/orders", (req, res) => {
  const filter = { status: "open", customer: req.body.customer };
  db.query(`SELECT * FROM orders WHERE customer = '${filter.customer}'`, (err, rows) => res.json(rows)); // expect: js.sql-injection
});

// Twin: the slot read holds a constant.
app.post("/orders-open", (req, res) => {
  const filter = { status: "open", customer: req.body.customer };
  db.query(`SELECT * FROM orders WHERE status = '${filter.status}'`, (err, rows) => res.json(rows)); // ok: js.sql-injection
});

// Through a helper of the same file.
function whereName(name) {
  return "WHERE name = '" + name + "'";
}

function whereActive(name) {
  return "WHERE active = 1";
}

app.get("/users", (req, res) => {
  db.query("SELECT * FROM users " + whereName(req.query.name), (err, rows) => res.json(rows)); // expect: js.sql-injection
});

app.get("/users-active", (req, res) => {
  db.query("SELECT * FROM users " + whereActive(req.query.name), (err, rows) => res.json(rows)); // ok: js.sql-injection
});

// Numeric cast: a number cannot carry a quote.
app.get("/page", (req, res) => {
  const offset = req.query.offset;
  db.query("SELECT * FROM items LIMIT 20 OFFSET " + offset, (err, rows) => res.json(rows)); // expect: js.sql-injection
});

app.get("/page-number", (req, res) => {
  const offset = parseInt(req.query.offset, 10);
  db.query("SELECT * FROM items LIMIT 20 OFFSET " + offset, (err, rows) => res.json(rows)); // ok: js.sql-injection
});

// A branch whose condition is a constant expression.
app.get("/report", (req, res) => {
  const limit = 86;
  const table = (7 * 42) - limit > 200 ? req.query.table : "sales";
  db.query("SELECT COUNT(*) FROM " + table, (err, rows) => res.json(rows)); // expect: js.sql-injection
});

app.get("/report-fixed", (req, res) => {
  const limit = 106;
  const table = (7 * 42) - limit > 200 ? req.query.table : "sales";
  db.query("SELECT COUNT(*) FROM " + table, (err, rows) => res.json(rows)); // ok: js.sql-injection
});

// Koa and sqlite: the escaped value is quoted by the driver.
async function koaLookup(ctx) {
  const email = ctx.query.email;
  ctx.body = await db.all("SELECT * FROM users WHERE email = '" + email + "'"); // expect: js.sql-injection
}

async function koaLookupEscaped(ctx) {
  const email = mysql.escape(ctx.query.email);
  ctx.body = await db.query("SELECT * FROM users WHERE email = " + email); // ok: js.sql-injection
}

module.exports = { app, koaLookup, koaLookupEscaped, whereActive };

// An entry point: a function nothing in this file calls gets its term from anywhere.
export function searchUsers(db, term) {
  return db.query(`SELECT id, name FROM users WHERE name LIKE '%${term}%'`); // expect: js.sql-injection
}

export function searchUsersSafely(db, term) {
  return db.query('SELECT id, name FROM users WHERE name LIKE $1', [`%${term}%`]); // ok: js.sql-injection
}

export function runStatement(db, sql, params) {
  return db.query(sql, params); // ok: js.sql-injection
}
