async function getUser(db, req) {
  const rows = await db.query(`SELECT * FROM users WHERE id = ${req.params.id}`); // expect: js.sql-template-string
  await db.execute(`DELETE FROM sessions WHERE token = '${req.body.token}'`); // expect: js.sql-template-string
  const safe = await db.query("SELECT * FROM users WHERE id = $1", [req.params.id]); // ok: js.sql-template-string
  const tagged = await sql`SELECT * FROM users WHERE id = ${req.params.id}`; // ok: js.sql-template-string
  const label = `Select ${rows.length} users from the list`; // ok: js.sql-template-string
  return { rows, safe, tagged, label };
}
