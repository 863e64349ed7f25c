"""The user table, in SQLite."""

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE
)
"""


def connect(path: str = ":memory:") -> sqlite3.Connection:
    """Open the database and make sure the table exists."""
    db = sqlite3.connect(path)
    db.execute(SCHEMA)
    return db


def add_user(db: sqlite3.Connection, name: str, email: str) -> int:
    """Insert a user and return its id."""
    cursor = db.execute("INSERT INTO users (name, email) VALUES (?, ?)", (name, email))
    db.commit()
    return cursor.lastrowid
