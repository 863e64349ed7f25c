"""Search the user directory."""

import sqlite3


def search_users(db: sqlite3.Connection, term: str, limit: int = 20) -> list[dict]:
    """Return the users whose name contains `term`, at most `limit` of them.

    The term is data: it is passed as a parameter, with LIKE's wildcards escaped, so no
    input can change the query.
    """
    if not 1 <= limit <= 100:
        raise ValueError("limit must be between 1 and 100")
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = db.execute(
        "SELECT id, name, email FROM users WHERE name LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
        (f"%{escaped}%", limit),
    ).fetchall()
    return [{"id": row[0], "name": row[1], "email": row[2]} for row in rows]
