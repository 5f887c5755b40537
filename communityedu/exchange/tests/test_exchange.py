"""The exchange: who sees what in a thread, moderation, banned words, reports, the rate limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from communityedu.core.models import AuditLogEntry
from communityedu.exchange import selectors, services
from communityedu.exchange.constants import HeldReason, PostKind, PostStatus
from communityedu.exchange.models import Post, Report
from communityedu.exchange.tests.factories import other_resident, question

LECTURE_PAGE = "/portal/activities/{pk}/"


def _post_form(world, **values) -> dict:
    return {"target": "activities.activity", "id": world.lecture.pk, "kind": "question", "body": "几点开始？"} | values


def _policy(world, **values):
    return services.save_policy(
        actor=world.accounts["moderator"],
        town=world.xinmiao,
        review_policy=values.get("review_policy", "review_first"),
        report_threshold=values.get("report_threshold", 3),
        banned_words=values.get("banned_words", ""),
    )


def _bodies(user, world) -> list[str]:
    return [item.post.body for item in selectors.thread_for(user, world.lecture)]


def test_a_residents_question_waits_for_review_and_shows_only_to_its_author(world, sign_in):
    client = sign_in("resident")

    response = client.post("/exchange/posts/", _post_form(world, next=f"/portal/activities/{world.lecture.pk}/"))

    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.status, post.held_reason, post.kind) == (PostStatus.PENDING, HeldReason.POLICY, PostKind.QUESTION)
    page = client.get(LECTURE_PAGE.format(pk=world.lecture.pk)).content.decode()
    assert "几点开始？" in page
    assert "待审核" in page
    assert _bodies(other_resident(world), world) == []
    assert _bodies(world.accounts["teacher"], world) == []


def test_an_approved_question_is_visible_to_every_reader_of_the_town(world):
    post = question(world, approve=False)

    services.approve_post(actor=world.accounts["moderator"], post=post)

    assert _bodies(other_resident(world), world) == ["讲座几点开始？"]
    assert _bodies(world.accounts["evaluator"], world) == ["讲座几点开始？"]
    entry = AuditLogEntry.objects.filter(object_type="exchange.Post", actor=world.accounts["moderator"]).get()
    assert entry.changes["status"] == ["pending", "approved"]


def test_a_hidden_post_is_invisible_even_to_its_author_until_restored(world):
    post = question(world)
    moderator = world.accounts["moderator"]

    services.hide_post(actor=moderator, post=post, reason="与活动无关")

    assert _bodies(world.accounts["resident"], world) == []
    assert _bodies(other_resident(world), world) == []
    post.refresh_from_db()
    assert (post.status, post.hidden_reason) == (PostStatus.HIDDEN, "与活动无关")

    services.restore_post(actor=moderator, post=post)

    assert _bodies(world.accounts["teacher"], world) == ["讲座几点开始？"]
    changes = [e.changes["status"] for e in AuditLogEntry.objects.filter(object_type="exchange.Post", actor=moderator)]
    assert changes == [["hidden", "approved"], ["approved", "hidden"], ["pending", "approved"]]


def test_hiding_needs_a_reason(world):
    post = question(world)

    with pytest.raises(ValidationError):
        services.hide_post(actor=world.accounts["moderator"], post=post, reason="  ")

    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED


def test_only_moderators_of_the_town_moderate(world):
    post = question(world, approve=False)

    for name in ("teacher", "resident", "nantuo", "school"):
        with pytest.raises(PermissionDenied):
            services.approve_post(actor=world.accounts[name], post=post)

    post.refresh_from_db()
    assert post.status == PostStatus.PENDING


def test_under_publish_then_review_a_residents_comment_appears_at_once(world):
    _policy(world, review_policy="publish_then_review")

    post = services.create_post(
        author=world.accounts["resident"], target=world.lecture, kind=PostKind.COMMENT, body="讲得很好"
    )

    assert post.status == PostStatus.APPROVED
    assert _bodies(other_resident(world), world) == ["讲得很好"]


def test_a_banned_word_holds_a_post_even_under_publish_then_review(world):
    _policy(world, review_policy="publish_then_review", banned_words="赌博\n六合彩")

    post = services.create_post(
        author=world.accounts["resident"], target=world.lecture, kind=PostKind.COMMENT, body="加群玩六 合 彩"
    )

    assert (post.status, post.held_reason) == (PostStatus.PENDING, HeldReason.BANNED_WORD)
    assert _bodies(other_resident(world), world) == []


def test_a_banned_word_holds_a_staff_post_too(world):
    _policy(world, banned_words="赌博")

    post = services.create_post(
        author=world.accounts["teacher"], target=world.lecture, kind=PostKind.COMMENT, body="远离赌博"
    )

    assert post.status == PostStatus.PENDING


def test_moderators_edit_the_banned_words_on_a_page(world, sign_in):
    client = sign_in("moderator")

    response = client.post(
        "/exchange/policy/",
        {"review_policy": "publish_then_review", "report_threshold": "2", "banned_words": "赌博\n\n赌博\n高利贷"},
    )

    assert response.status_code == 302
    policy = selectors.policy_for(world.xinmiao)
    assert (policy.review_policy, policy.report_threshold, policy.banned_word_list) == (
        "publish_then_review",
        2,
        ["赌博", "高利贷"],
    )
    assert AuditLogEntry.objects.filter(object_type="exchange.ModerationPolicy").count() == 1


def test_enough_reports_send_a_post_back_to_review(world):
    _policy(world, report_threshold=2)
    post = question(world)

    services.report_post(reporter=other_resident(world), post=post, reason="广告")
    post.refresh_from_db()
    assert (post.status, post.report_count) == (PostStatus.APPROVED, 1)

    services.report_post(reporter=world.accounts["volunteer"], post=post)

    post.refresh_from_db()
    assert (post.status, post.held_reason, post.report_count) == (PostStatus.PENDING, HeldReason.REPORTS, 2)
    assert _bodies(world.accounts["teacher"], world) == []
    queue = selectors.moderation_queue(world.accounts["moderator"], world.xinmiao, "reported")
    assert list(queue) == [post]


def test_a_person_reports_a_post_once(world):
    post = question(world)
    reporter = other_resident(world)
    services.report_post(reporter=reporter, post=post)

    with pytest.raises(ValidationError, match="已经举报"):
        services.report_post(reporter=reporter, post=post)

    assert Report.objects.count() == 1
    post.refresh_from_db()
    assert post.report_count == 1


def test_nobody_reports_their_own_post(world):
    post = question(world)

    with pytest.raises(ValidationError):
        services.report_post(reporter=world.accounts["resident"], post=post)

    assert Report.objects.count() == 0


def test_the_sixth_post_within_ten_minutes_is_refused_with_a_message_and_nothing_is_written(world, sign_in):
    client = sign_in("resident")
    for number in range(5):
        client.post("/exchange/posts/", _post_form(world, body=f"第{number + 1}个问题"))
    assert Post.objects.count() == 5

    response = client.post("/exchange/posts/", _post_form(world, body="第6个问题"), follow=True)

    assert Post.objects.count() == 5
    assert "10 分钟内已发言 5 次" in response.content.decode()


def test_the_rate_limit_counts_each_person_separately(world, settings):
    settings.EXCHANGE_RATE_LIMIT_POSTS = 1
    services.create_post(author=world.accounts["resident"], target=world.lecture, kind="comment", body="一")

    post = services.create_post(author=other_resident(world), target=world.lecture, kind="comment", body="二")

    assert post.pk is not None
    with pytest.raises(ValidationError, match="请过几分钟再发"):
        services.create_post(author=world.accounts["resident"], target=world.lecture, kind="comment", body="三")


def test_answers_are_not_held_back_by_the_rate_limit(world, settings):
    settings.EXCHANGE_RATE_LIMIT_POSTS = 2
    questions = [question(world, author="volunteer", body="一"), question(world, author="school", body="二")]
    teacher = world.accounts["teacher"]

    for post in questions * 3:
        services.answer_question(author=teacher, question=post, body="答")
    for body in ("欢迎提问", "有问必答"):
        services.create_post(author=teacher, target=world.lecture, kind=PostKind.COMMENT, body=body)

    assert Post.objects.filter(author=teacher).count() == 8
    with pytest.raises(ValidationError):
        services.create_post(author=teacher, target=world.lecture, kind=PostKind.COMMENT, body="再次欢迎")


def test_a_teacher_answers_at_once_and_the_answer_shows_under_the_question(world, sign_in):
    post = question(world)
    client = sign_in("teacher")

    client.post(f"/exchange/posts/{post.pk}/answer/", {"body": "下午两点开始"})

    answer = Post.objects.get(kind=PostKind.ANSWER)
    assert (answer.status, answer.question_id) == (PostStatus.APPROVED, post.pk)
    items = selectors.thread_for(world.accounts["resident"], world.lecture)
    assert [(item.post.body, [a.body for a in item.answers]) for item in items] == [
        ("讲座几点开始？", ["下午两点开始"])
    ]


def test_residents_cannot_answer(world, sign_in):
    post = question(world)
    client = sign_in("resident")

    response = client.post(f"/exchange/posts/{post.pk}/answer/", {"body": "我猜两点"})

    assert response.status_code == 403
    assert Post.objects.filter(kind=PostKind.ANSWER).count() == 0


def test_unit_staff_answer_only_on_their_own_units_activities(world):
    post = question(world)  # the lecture is organised by the community school

    with pytest.raises(PermissionDenied):
        services.answer_question(author=world.accounts["dept"], question=post, body="请问社区学校")

    world.lecture.organiser = world.civil_affairs
    world.lecture.save(update_fields=["organiser"])
    post = Post.objects.get(pk=post.pk)
    answer = services.answer_question(author=world.accounts["dept"], question=post, body="下午两点")
    assert answer.status == PostStatus.APPROVED


def test_html_in_a_post_is_shown_as_text(world, sign_in):
    question(world, body='<script>alert("x")</script><b>粗体</b>')
    client = sign_in("resident")

    page = client.get(LECTURE_PAGE.format(pk=world.lecture.pk)).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;粗体&lt;/b&gt;" in page


def test_another_town_sees_nothing_of_xinmiaos_exchange(world, sign_in):
    post = question(world)
    pending = question(world, body="还在审核", approve=False)
    client = sign_in("nantuo")

    assert client.post("/exchange/posts/", _post_form(world)).status_code == 404
    assert client.post(f"/exchange/posts/{post.pk}/report/", {}).status_code == 404
    assert client.post(f"/exchange/posts/{pending.pk}/moderate/", {"action": "approve"}).status_code == 404
    queue = client.get("/exchange/queue/").content.decode()
    assert "还在审核" not in queue
    with pytest.raises(Http404):
        selectors.get_target_for(world.accounts["nantuo"], "activities.activity", world.lecture.pk)
    assert Post.objects.count() == 2


def test_posts_attach_only_to_the_models_the_settings_name(world):
    with pytest.raises(Http404):
        selectors.get_target_for(world.accounts["office"], "accounts.user", world.accounts["office"].pk)


def test_the_queue_approves_with_a_plain_form_and_swaps_a_row_with_htmx(world, sign_in):
    first = question(world, approve=False)
    second = question(world, body="第二个", approve=False)
    client = sign_in("moderator")
    page = client.get("/exchange/queue/").content.decode()
    assert "讲座几点开始？" in page
    assert "第二个" in page

    response = client.post(f"/exchange/posts/{first.pk}/moderate/", {"action": "approve", "next": "/exchange/queue/"})
    assert response.status_code == 302
    assert response["Location"] == "/exchange/queue/"

    response = client.post(
        f"/exchange/posts/{second.pk}/moderate/", {"action": "hide", "reason": "重复"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="queue-post-{second.pk}"' in response.content.decode()
    assert list(Post.objects.order_by("id").values_list("status", flat=True)) == ["approved", "hidden"]


def _queries_for(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_a_thread_and_the_queue_cost_the_same_queries_however_many_posts_they_hold(world, sign_in, settings):
    settings.EXCHANGE_RATE_LIMIT_POSTS = 100
    client = sign_in("moderator")
    question(world, approve=False)
    services.answer_question(author=world.accounts["teacher"], question=question(world), body="两点")
    page = LECTURE_PAGE.format(pk=world.lecture.pk)
    few = (_queries_for(client, page), _queries_for(client, "/exchange/queue/"))

    for number in range(6):
        post = question(world, author="volunteer", body=f"问题{number}", approve=number % 2 == 0)
        services.answer_question(author=world.accounts["school"], question=post, body="答")

    assert (_queries_for(client, page), _queries_for(client, "/exchange/queue/")) == few
