from app.main import app


def test_an_order_is_returned():
    response = app.test_client().get("/orders/1")
    assert response.status_code == 200
    assert response.get_json()["cents"] == 4999


def test_an_unknown_order_is_404():
    assert app.test_client().get("/orders/2").status_code == 404
