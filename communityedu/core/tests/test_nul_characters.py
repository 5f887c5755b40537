"""A NUL character in a request is refused with 400 wherever it comes in: PostgreSQL cannot hold one
in a string, so letting it reach a query would be a server error there (found by the contract test)."""

from django.test import Client

from communityedu.people.models import Person


def test_a_nul_in_an_api_query_parameter_is_refused_with_a_json_400(client, db):
    response = client.get("/api/v1/people?town=xin%00miao")

    assert response.status_code == 400
    assert response.json() == {"detail": "A NUL character is not allowed (query parameter 'town').", "errors": []}


def test_a_nul_in_a_page_query_is_refused_with_the_sites_400_page(client, db, caplog):
    response = client.get("/portal/?q=%E5%A4%AA%00")

    assert response.status_code == 400
    assert "<h1>请求有误</h1>" in response.content.decode()
    assert "A NUL character is not allowed (query parameter 'q')." in caplog.text  # the reason is logged


def test_the_400_page_of_a_refused_request_follows_the_language_cookie(client, db):
    client.cookies["language"] = "en"

    response = client.get("/portal/?q=%00")

    assert response.status_code == 400
    assert "<h1>The request could not be handled</h1>" in response.content.decode()


def test_a_nul_in_a_form_field_is_refused_before_anything_is_written(db):
    client = Client()
    people_before = Person.objects.count()

    response = client.post("/accounts/sign-in/", {"username": "clerk\x00", "password": "x"})

    assert response.status_code == 400
    assert "<h1>请求有误</h1>" in response.content.decode()
    assert Person.objects.count() == people_before


def test_a_nul_in_a_cookie_is_refused(db):
    client = Client()
    client.cookies["django_language"] = "zh\x00"

    response = client.get("/portal/")

    assert response.status_code == 400


def test_ordinary_requests_pass(client, db):
    assert client.get("/portal/?q=%E5%A4%AA%E6%9E%81").status_code == 200
