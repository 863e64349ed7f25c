// Orders API generated for Express + TypeScript.
import express, { Request, Response } from "express";
import { exec, execFile } from "child_process";
import crypto from "crypto";
import path from "path";
import fs from "fs";
import { Pool } from "pg";

const app = express();
const pool = new Pool();
app.use(express.json());

const SESSION_SECRET = "k3yb0ard-cat-2024"; // expect: secret.generic-credential
const apiKey = process.env.ORDERS_API_KEY;

app.get("/orders/:id", async (req: Request, res: Response) => {
  const result = await pool.query("SELECT * FROM orders WHERE id = $1", [req.params.id]);
  res.json(result.rows);
});

app.get("/orders", async (req: Request, res: Response) => {
  const sort = req.query.sort;
  const rows = await pool.query(`SELECT * FROM orders ORDER BY ${sort}`); // expect: js.sql-injection
  res.json(rows.rows);
});

app.post("/orders/:id/label", (req: Request, res: Response) => {
  exec(`lp -d labels /tmp/labels/${req.params.id}.pdf`, (error) => { // expect: js.command-injection
    if (error) {
      return res.status(500).json({ message: "print failed" });
    }
    res.sendStatus(204);
  });
});

app.get("/orders/:id/invoice", (req: Request, res: Response) => {
  execFile("wkhtmltopdf", ["--quiet", `invoices/${req.params.id}.html`, "-"], (error, stdout) => res.send(stdout));
});

app.get("/files/:name", (req: Request, res: Response) => {
  res.sendFile(req.params.name, { root: path.join(__dirname, "public") });
});

app.get("/exports/:name", (req: Request, res: Response) => {
  const data = fs.readFileSync(path.join(__dirname, "exports", req.params.name)); // expect: js.path-traversal
  res.send(data);
});

app.get("/login/callback", (req: Request, res: Response) => {
  const { returnTo } = req.query;
  res.redirect(String(returnTo)); // expect: js.open-redirect
});

function newOrderToken(): string {
  return crypto.randomBytes(24).toString("hex");
}

function trackingCode(): string {
  const sessionToken = Math.random().toString(36).slice(2); // expect: js.weak-random-secret
  return sessionToken;
}

async function refund(orderId: string): Promise<void> {
  try {
    await pool.query("UPDATE orders SET refunded = true WHERE id = $1", [orderId]);
  } catch (err) {} // expect: js.empty-catch
}

async function cancel(orderId: string): Promise<void> {
  try {
    await pool.query("UPDATE orders SET cancelled = true WHERE id = $1", [orderId]);
  } catch (err) { // expect: js.catch-only-logs
    console.error("cancel failed", err);
  }
}

export function exportOrders(format: string): Buffer {
  throw new Error("Not implemented"); // expect: js.not-implemented-stub
}

app.use((err: Error, req: Request, res: Response, next: () => void) => {
  res.status(500).json({ error: err.message, stack: err.stack }); // expect: js.stack-trace-in-response
});

app.listen(3000, () => console.log(`orders API up, key loaded: ${Boolean(apiKey)}`));
export { newOrderToken, trackingCode, refund, cancel, SESSION_SECRET };
