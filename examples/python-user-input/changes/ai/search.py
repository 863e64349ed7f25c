"""Search the user directory."""

import sqlite3


def search_users(db: sqlite3.Connection, term: str, limit: int = 20) -> list[dict]:
    """Return the users whose name contains `term`, at most `limit` of them."""
    query = f"SELECT id, name, email FROM users WHERE name LIKE '%{term}%' LIMIT {limit}"
    rows = []
    try:
        rows = db.execute(query).fetchall()
    except Exception:
        pass
    return [{"id": row[0], "name": row[1], "email": row[2]} for row in rows]
