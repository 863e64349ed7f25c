async def delete_account(db, account_id, table):
    await db.execute(f"DELETE FROM accounts WHERE id = {account_id}")  # expect: py.sql-fstring
    rows = db.execute(f"SELECT * FROM {table} WHERE owner = '{account_id}'")  # expect: py.sql-fstring
    await db.execute("DELETE FROM accounts WHERE id = ?", (account_id,))  # ok: py.sql-fstring
    message = f"Deleted account {account_id}"  # ok: py.sql-fstring
    return rows, message
