import express, { Request, Response } from "express";
import { Pool } from "pg";

const app = express();
const pool = new Pool();

interface Filter {
  status: string;
  customer: string;
}

// Typed handler: a path parameter in the query text, or bound as $1.
app.get("/orders/:id", async (req: Request, res: Response) => {
  const id: string = req.params.id;
  const result = await pool.query(`SELECT * FROM orders WHERE id = '${id}'`); // expect: js.sql-injection
  res.json(result.rows);
});

app.get("/orders-bound/:id", async (req: Request, res: Response) => {
  const id: string = req.params.id;
  const result = await pool.query("SELECT * FROM orders WHERE id = $1", [id]); // ok: js.sql-injection
  res.json(result.rows);
});

// A typed object: the field read holds request data, or a constant.
app.post("/orders/search", async (req: Request, res: Response) => {
  const filter: Filter = { status: "open", customer: String(req.body.customer) };
  const result = await pool.query("SELECT * FROM orders WHERE customer = '" + filter.customer + "'"); // expect: js.sql-injection
  res.json(result.rows);
});

app.post("/orders/open", async (req: Request, res: Response) => {
  const filter: Filter = { status: "open", customer: String(req.body.customer) };
  const result = await pool.query("SELECT * FROM orders WHERE status = '" + filter.status + "'"); // ok: js.sql-injection
  res.json(result.rows);
});

// A repository class: a field filled from the request in the constructor.
class OrderQuery {
  private readonly sort: string;
  private readonly table: string;

  constructor(req: Request) {
    this.sort = <string>req.query.sort;
    this.table = "orders";
  }

  sorted(): Promise<unknown> {
    return pool.query("SELECT * FROM orders ORDER BY " + this.sort); // expect: js.sql-injection
  }

  all(): Promise<unknown> {
    return pool.query("SELECT * FROM " + this.table); // ok: js.sql-injection
  }
}

// A numeric type does not carry a quote.
app.get("/orders/page", async (req: Request, res: Response) => {
  const page = req.query.page;
  const result = await pool.query(`SELECT * FROM orders LIMIT 20 OFFSET ${page}`); // expect: js.sql-injection
  res.json(result.rows);
});

app.get("/orders/page-number", async (req: Request, res: Response) => {
  const page: number = Number(req.query.page) * 20;
  const result = await pool.query(`SELECT * FROM orders LIMIT 20 OFFSET ${page}`); // ok: js.sql-injection
  res.json(result.rows);
});

// TypeORM: a condition written as SQL text, or with a named parameter.
import { DataSource } from "typeorm";
const dataSource = new DataSource({ type: "postgres" });

app.get("/customers", async (req: Request, res: Response) => {
  const name = String(req.query.name);
  const rows = await dataSource.getRepository("Customer").createQueryBuilder("c").where(`c.name = '${name}'`).getMany(); // expect: js.sql-injection
  res.json(rows);
});

app.get("/customers-bound", async (req: Request, res: Response) => {
  const name = String(req.query.name);
  const rows = await dataSource.getRepository("Customer").createQueryBuilder("c").where("c.name = :name", { name }).getMany(); // ok: js.sql-injection
  res.json(rows);
});

// Prisma: the unsafe raw query, or the same text with a positional parameter.
declare const prisma: { $queryRawUnsafe(query: string, ...values: unknown[]): Promise<unknown> };

app.get("/invoices", async (req: Request, res: Response) => {
  const status = req.query.status;
  res.json(await prisma.$queryRawUnsafe(`SELECT * FROM invoices WHERE status = '${status}'`)); // expect: js.sql-injection
});

app.get("/invoices-bound", async (req: Request, res: Response) => {
  const status = req.query.status;
  res.json(await prisma.$queryRawUnsafe("SELECT * FROM invoices WHERE status = $1", status)); // ok: js.sql-injection
});

export { app, OrderQuery };
