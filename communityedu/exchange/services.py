"""Writes of the exchange: posting, answering, reporting, moderating, the town's policy.

Each function is the only writer of its rows, checks who may do it, and records an audit entry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.exchange import permissions
from communityedu.exchange.constants import MAX_BODY_LENGTH, HeldReason, PostKind, PostStatus, ReviewPolicy
from communityedu.exchange.models import ModerationPolicy, Post, Report
from communityedu.exchange.selectors import policy_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

DEFAULT_RATE_LIMIT_POSTS = 5
DEFAULT_RATE_LIMIT_MINUTES = 10
POLICY_FIELDS = ["review_policy", "report_threshold", "banned_words"]


def rate_limit() -> tuple[int, int]:
    """(posts, minutes): at most that many posts per person in that many minutes."""
    return (
        getattr(settings, "EXCHANGE_RATE_LIMIT_POSTS", DEFAULT_RATE_LIMIT_POSTS),
        getattr(settings, "EXCHANGE_RATE_LIMIT_MINUTES", DEFAULT_RATE_LIMIT_MINUTES),
    )


def _normalised(text: str) -> str:
    return "".join(text.split()).casefold()


def banned_words_in(text: str, words: list[str]) -> list[str]:
    """The banned words ``text`` contains, ignoring case and spaces put between their characters."""
    plain = _normalised(text)
    return [word for word in words if _normalised(word) and _normalised(word) in plain]


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write something first.")})
    if len(body) > MAX_BODY_LENGTH:
        message = _("Keep it under %(limit)s characters (this has %(count)s).")
        raise ValidationError({"body": message % {"limit": MAX_BODY_LENGTH, "count": len(body)}})
    return body


def _hold_off_flood(author, now) -> None:
    """Refuse a comment or question beyond the rate limit, counted in the database so every server
    process agrees. Answers come from teachers and staff working through the questions, and are not
    limited.

    The author's row is locked first, so two simultaneous posts of one person are counted one after
    the other (PostgreSQL; SQLite runs one writer at a time anyway).
    """
    limit, minutes = rate_limit()
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    recent = (
        Post.objects.filter(author=author, created_at__gte=now - timedelta(minutes=minutes))
        .exclude(kind=PostKind.ANSWER)
        .count()
    )
    if recent >= limit:
        raise ValidationError(
            _(
                "You have posted %(count)s times in the last %(minutes)s minutes. "
                "Please wait a few minutes before posting again."
            )
            % {"count": recent, "minutes": minutes},
            code="rate_limited",
        )


def _initial_status(*, author, target, body: str) -> tuple[str, str]:
    policy = policy_for(target.town)
    if banned_words_in(body, policy.banned_word_list):
        return PostStatus.PENDING, HeldReason.BANNED_WORD
    if permissions.publishes_at_once(author, target):
        return PostStatus.APPROVED, HeldReason.NONE
    if policy.review_policy == ReviewPolicy.REVIEW_FIRST:
        return PostStatus.PENDING, HeldReason.POLICY
    return PostStatus.APPROVED, HeldReason.NONE


def _create(*, author, target, kind: str, body: str, question: Post | None = None) -> Post:
    body = _clean_body(body)
    if kind != PostKind.ANSWER:
        _hold_off_flood(author, timezone.now())
    status, held_reason = _initial_status(author=author, target=target, body=body)
    post = Post.objects.create(
        town_id=target.town_id,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        author=author,
        author_name=str(author)[:150],
        kind=kind,
        question=question,
        body=body,
        status=status,
        held_reason=held_reason,
    )
    audit.record_change(
        actor=author,
        obj=post,
        created=True,
        changes={"kind": [None, kind], "status": [None, status], "held_reason": [None, held_reason]},
    )
    return post


@transaction.atomic
def create_post(*, author, target, kind: str, body: str) -> Post:
    """A resident's or staff member's comment or question on ``target``."""
    if kind not in (PostKind.COMMENT, PostKind.QUESTION):
        raise ValidationError({"kind": _("Choose a comment or a question.")})
    if not permissions.can_take_part(author, target.town_id):
        raise PermissionDenied
    return _create(author=author, target=target, kind=kind, body=body)


@transaction.atomic
def answer_question(*, author, question: Post, body: str) -> Post:
    """A teacher's or staff member's answer, shown under the question."""
    if question.kind != PostKind.QUESTION or question.status == PostStatus.HIDDEN:
        raise ValidationError(_("Only a question that is not hidden can be answered."))
    target = question.target
    if not permissions.can_answer(author, target):
        raise PermissionDenied
    return _create(author=author, target=target, kind=PostKind.ANSWER, body=body, question=question)


def _moderate(*, actor: User, post: Post, status: str, hidden_reason: str = "") -> Post:
    if not permissions.can_moderate(actor, post.town_id):
        raise PermissionDenied
    post = Post.objects.select_for_update().get(pk=post.pk)
    fields = ["status", "held_reason", "hidden_reason", "report_count"]
    before = audit.snapshot(post, fields)
    post.status = status
    post.held_reason = HeldReason.NONE
    post.hidden_reason = hidden_reason
    if status == PostStatus.APPROVED:
        post.report_count = 0  # the reports are dealt with; new ones count from here
    post.moderated_by = actor
    post.moderated_at = timezone.now()
    post.save(update_fields=[*fields, "moderated_by", "moderated_at", "updated_at"])
    audit.record_change(actor=actor, obj=post, created=False, changes=audit.diff(before, audit.snapshot(post, fields)))
    return post


@transaction.atomic
def approve_post(*, actor: User, post: Post) -> Post:
    if post.status != PostStatus.PENDING:
        raise ValidationError(_("Only a post awaiting review can be approved."))
    return _moderate(actor=actor, post=post, status=PostStatus.APPROVED)


@transaction.atomic
def hide_post(*, actor: User, post: Post, reason: str) -> Post:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the post is hidden.")})
    if post.status == PostStatus.HIDDEN:
        raise ValidationError(_("The post is already hidden."))
    return _moderate(actor=actor, post=post, status=PostStatus.HIDDEN, hidden_reason=reason[:200])


@transaction.atomic
def restore_post(*, actor: User, post: Post) -> Post:
    if post.status != PostStatus.HIDDEN:
        raise ValidationError(_("Only a hidden post can be restored."))
    return _moderate(actor=actor, post=post, status=PostStatus.APPROVED)


@transaction.atomic
def report_post(*, reporter, post: Post, reason: str = "") -> Report:
    """A reader's report; enough reports send the post back to review."""
    if not permissions.can_take_part(reporter, post.town_id):
        raise PermissionDenied
    if post.author_id == reporter.pk:
        raise ValidationError(_("You cannot report your own post."))
    if post.status != PostStatus.APPROVED:
        raise ValidationError(_("This post is already with the moderators."))
    try:
        with transaction.atomic():
            report = Report.objects.create(town_id=post.town_id, post=post, reporter=reporter, reason=reason[:200])
    except IntegrityError as error:
        raise ValidationError(_("You have already reported this post.")) from error
    audit.record_change(actor=reporter, obj=report, created=True, changes={"post": [None, post.pk]})
    Post.objects.filter(pk=post.pk).update(report_count=F("report_count") + 1)
    post = Post.objects.select_for_update().get(pk=post.pk)
    threshold = policy_for(post.town).report_threshold
    if post.status == PostStatus.APPROVED and post.report_count >= threshold:
        post.status, post.held_reason = PostStatus.PENDING, HeldReason.REPORTS
        post.save(update_fields=["status", "held_reason", "updated_at"])
        audit.record_change(
            actor=reporter,
            obj=post,
            created=False,
            changes={"status": [PostStatus.APPROVED, PostStatus.PENDING], "held_reason": ["", HeldReason.REPORTS]},
        )
    return report


def _clean_banned_words(text: str) -> str:
    seen: list[str] = []
    for line in (text or "").splitlines():
        word = line.strip()
        if word and word not in seen:
            seen.append(word[:50])
    return "\n".join(seen)


@transaction.atomic
def save_policy(
    *, actor: User, town: Town, review_policy: str, report_threshold: int, banned_words: str
) -> ModerationPolicy:
    if not permissions.can_moderate(actor, town.pk):
        raise PermissionDenied
    if review_policy not in ReviewPolicy.values:
        raise ValidationError({"review_policy": _("Choose a review policy.")})
    if report_threshold < 1:
        raise ValidationError({"report_threshold": _("At least one report is needed.")})
    policy = ModerationPolicy.objects.select_for_update().filter(town=town).first()
    created = policy is None
    policy = policy or ModerationPolicy(town=town)
    before = {} if created else audit.snapshot(policy, POLICY_FIELDS)
    policy.review_policy = review_policy
    policy.report_threshold = report_threshold
    policy.banned_words = _clean_banned_words(banned_words)
    policy.save()
    changes = audit.diff(before, audit.snapshot(policy, POLICY_FIELDS))
    if changes or created:
        audit.record_change(actor=actor, obj=policy, created=created, changes=changes)
    return policy
