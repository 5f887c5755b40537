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


def _token_for(username: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, stdout=out)
    return out.getvalue().strip()


def test_a_deactivated_token_is_refused_once_the_remembered_seconds_pass(world, client, settings, monkeypatch):
    from communityedu.accounts import middleware

    settings.API_TOKEN_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(middleware.time, "monotonic", lambda: clock[0])
    token = _token_for("office")
    assert client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    ApiToken.objects.update(is_active=False)
    clock[0] += 9
    within = client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}")
    clock[0] += 2
    after = client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert (within.status_code, after.status_code) == (200, 401)


def test_with_no_remembered_seconds_a_deactivated_token_is_refused_at_once(world, client, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    token = _token_for("office")
    assert client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200

    ApiToken.objects.update(is_active=False)

    assert client.get("/api/v1/towns", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
