from app.fees import card_fee
from app.server import app


def test_the_fee_is_2_9_percent_plus_30_cents():
    assert card_fee(10_000) == 320


def test_the_service_answers_the_fee():
    response = app.test_client().get("/fees?amount=10000")
    assert response.status_code == 200
    assert response.get_json() == {"amount": 10000, "fee": 320}


def test_a_negative_amount_is_refused():
    assert app.test_client().get("/fees?amount=-5").status_code == 400
