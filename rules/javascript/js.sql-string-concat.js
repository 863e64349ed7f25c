function find(connection, name) {
  connection.query("SELECT * FROM users WHERE name = '" + name + "'"); // expect: js.sql-string-concat
  const q = "DELETE FROM carts WHERE id = " + req.params.id; // expect: js.sql-string-concat
  connection.query("SELECT * FROM users WHERE name = ?", [name]); // ok: js.sql-string-concat
  const msg = "Select an option: " + name; // ok: js.sql-string-concat
  return [q, msg];
}
