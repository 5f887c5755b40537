"""The exchange over the API: the same rules as the pages."""

from __future__ import annotations

from communityedu.exchange.models import Post
from communityedu.exchange.tests.factories import question


def _thread(client, world) -> list[tuple[str, str]]:
    response = client.get(f"/api/v1/exchange/posts?target=activities.activity&id={world.lecture.pk}")
    assert response.status_code == 200
    return [(post["body"], post["status"]) for post in response.json()["items"]]


def test_a_question_asked_over_the_api_waits_approved_and_answered(world, sign_in):
    resident = sign_in("resident")
    response = resident.post(
        "/api/v1/exchange/posts",
        {"target": "activities.activity", "id": world.lecture.pk, "kind": "question", "body": "要带身份证吗？"},
        content_type="application/json",
    )
    assert response.status_code == 201
    post_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert _thread(resident, world) == [("要带身份证吗？", "pending")]
    resident.post("/accounts/sign-out/")

    moderator = sign_in("moderator")
    assert _thread(moderator, world) == []
    response = moderator.post(
        f"/api/v1/exchange/posts/{post_id}/moderation", {"action": "approve"}, content_type="application/json"
    )
    assert response.json()["status"] == "approved"
    moderator.post("/accounts/sign-out/")

    teacher = sign_in("teacher")
    response = teacher.post(
        f"/api/v1/exchange/posts/{post_id}/answer", {"body": "带上身份证或社保卡。"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["question_id"]) == (201, post_id)
    assert _thread(teacher, world) == [("要带身份证吗？", "approved"), ("带上身份证或社保卡。", "approved")]


def test_the_api_refuses_a_post_beyond_the_rate_limit_with_the_reason(world, sign_in, settings):
    settings.EXCHANGE_RATE_LIMIT_POSTS = 1
    client = sign_in("resident")
    body = {"target": "activities.activity", "id": world.lecture.pk, "kind": "comment", "body": "好"}
    client.post("/api/v1/exchange/posts", body, content_type="application/json")

    response = client.post("/api/v1/exchange/posts", body, content_type="application/json")

    assert response.status_code == 400
    assert "1 次" in response.json()["detail"]
    assert Post.objects.count() == 1


def test_hiding_over_the_api_needs_a_reason(world, sign_in):
    post = question(world)
    client = sign_in("moderator")

    response = client.post(
        f"/api/v1/exchange/posts/{post.pk}/moderation", {"action": "hide"}, content_type="application/json"
    )

    assert response.status_code == 400
    post.refresh_from_db()
    assert post.status == "approved"
