import pytest

from app.db import add_user, connect
from app.search import search_users


@pytest.fixture
def db():
    db = connect()
    add_user(db, "Ada Lovelace", "ada@example.com")
    add_user(db, "Alan Turing", "alan@example.com")
    add_user(db, "Grace Hopper", "grace@example.com")
    return db


def test_finds_users_by_part_of_their_name(db):
    names = [user["name"] for user in search_users(db, "a")]
    assert names == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert search_users(db, "Turing") == [
        {"id": 2, "name": "Alan Turing", "email": "alan@example.com"}
    ]


def test_limit(db):
    assert len(search_users(db, "a", limit=2)) == 2


def test_a_quote_in_the_term_is_just_a_character(db):
    assert search_users(db, "' OR '1'='1") == []


def test_wildcards_in_the_term_are_literal(db):
    assert search_users(db, "%") == []
