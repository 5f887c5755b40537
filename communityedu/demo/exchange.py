"""The demo town's exchange: the moderation policy with its banned words, and a few questions
residents asked on the lecture-hall pages, approved and answered by the teacher.

Idempotent: a post is found by its author, target and text; a second run adds nothing.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from communityedu.accounts.models import User
from communityedu.activities.models import Activity
from communityedu.exchange import services
from communityedu.exchange.constants import PostKind, PostStatus
from communityedu.exchange.models import ModerationPolicy, Post
from communityedu.organization.models import Town
from communityedu.people.models import Person

DEMO_BANNED_WORDS = "赌博\n六合彩\n高利贷\n刷单返利\n代开发票"

# (activity title, kind, question, answer or None)
DEMO_THREADS = [
    (
        "大讲堂：医保政策与报销",
        PostKind.QUESTION,
        "请问在外地住院，回来以后怎么报销？要带哪些材料？",
        "异地住院要先在手机上办理异地就医备案，出院后带身份证、医保卡、住院发票和费用清单到镇便民服务中心办理。"
        "讲座上会详细讲，欢迎来听。",
    ),
    (
        "大讲堂：老年人防跌倒",
        PostKind.QUESTION,
        "家里老人晚上起夜，有什么简单的防跌倒办法？",
        "床边和走道装一盏小夜灯，地面保持干燥，起身时先坐半分钟再站起来。卫生间可以装扶手、铺防滑垫。",
    ),
    ("大讲堂：老年人防跌倒", PostKind.COMMENT, "讲得很实在，回去就给家里卫生间装了扶手。", None),
]


def _post(*, author, target, kind: str, body: str, question=None) -> Post:
    existing = Post.objects.filter(
        town_id=target.town_id,
        author=author,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        body=body,
    ).first()
    if existing:
        return existing
    if question is not None:
        return services.answer_question(author=author, question=question, body=body)
    return services.create_post(author=author, target=target, kind=kind, body=body)


def load_exchange(town: Town) -> int:
    """The policy and the demo threads; returns the number of posts in the town afterwards."""
    moderator = User.objects.get(username="moderator")
    if not ModerationPolicy.objects.filter(town=town).exists():
        services.save_policy(
            actor=moderator, town=town, review_policy="review_first", report_threshold=3, banned_words=DEMO_BANNED_WORDS
        )
    resident = _demo_resident(town)
    teacher = User.objects.get(username="teacher")
    for activity_title, kind, body, answer in DEMO_THREADS:
        activity = Activity.objects.filter(town=town, title=activity_title).order_by("-starts_at").first()
        if activity is None:
            continue
        post = _post(author=resident, target=activity, kind=kind, body=body)
        if post.status == PostStatus.PENDING:
            post = services.approve_post(actor=moderator, post=post)
        if answer:
            _post(author=teacher, target=activity, kind=PostKind.ANSWER, body=answer, question=post)
    return Post.objects.filter(town=town).count()


def _demo_resident(town: Town) -> User:
    return Person.objects.select_related("account").get(town=town, external_ref="demo-resident").account
