from io import StringIO

from django.core.management import call_command

from communityedu.accounts.models import ApiToken


def test_create_api_token_prints_a_token_that_authenticates_the_api(world, client):
    out = StringIO()
    call_command("create_api_token", "office", "--name", "check-in tablet", stdout=out)
    token = out.getvalue().strip()

    response = client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 200
    assert [t["slug"] for t in response.json()] == ["xinmiao"]
    stored = ApiToken.objects.get()
    assert token not in stored.token_hash
    assert stored.last_used_at is not None


def test_an_unknown_token_is_refused(world, client):
    response = client.get("/api/v1/towns", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 401
