"""Exchange (互动交流): residents comment on and ask about anything the platform shows.

A **post** is attached to any object of the platform — an activity today, a learning resource
tomorrow — through Django's content types, so the exchange does not depend on the apps whose
objects it discusses. A post is a *comment*, a *question*, or an *answer* to a question; answers
come from teachers and staff, never from residents.

Every post passes a **moderator**. Under the town's **review policy** a resident's post either
waits for review (*pending*, the default) or is published at once and reviewed afterwards; staff
posts are published at once. A post containing one of the town's **banned words** waits for review
under either policy. Residents may **report** a published post, once each; when the town's
threshold of reports is reached the post goes back to review. A moderator approves, hides (with a
reason) or restores a post; every such decision is in the audit log.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel
from communityedu.exchange.constants import (
    DEFAULT_REPORT_THRESHOLD,
    MAX_BODY_LENGTH,
    HeldReason,
    PostKind,
    PostStatus,
    ReviewPolicy,
)


class ModerationPolicy(TownScopedModel):
    """A town's rules for its exchange: the review policy, the report threshold, banned words."""

    review_policy = models.CharField(
        _("review policy"), max_length=30, choices=ReviewPolicy.choices, default=ReviewPolicy.REVIEW_FIRST
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("reports that send a post back to review"), default=DEFAULT_REPORT_THRESHOLD
    )
    banned_words = models.TextField(_("banned words"), blank=True, help_text=_("One word or phrase per line."))

    class Meta:
        verbose_name = _("moderation policy")
        verbose_name_plural = _("moderation policies")
        constraints = [
            models.UniqueConstraint(fields=["town"], name="exchange_one_policy_per_town"),
            models.CheckConstraint(condition=Q(report_threshold__gte=1), name="exchange_report_threshold_positive"),
        ]

    def __str__(self) -> str:
        return str(_("moderation policy"))

    @property
    def banned_word_list(self) -> list[str]:
        return [line.strip() for line in self.banned_words.splitlines() if line.strip()]


class Post(TownScopedModel):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchange_posts", verbose_name=_("author")
    )
    author_name = models.CharField(_("author name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=PostKind.choices)
    question = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
        verbose_name=_("question"),
    )
    body = models.TextField(_("text"), max_length=MAX_BODY_LENGTH)
    status = models.CharField(_("status"), max_length=20, choices=PostStatus.choices)
    held_reason = models.CharField(_("held because"), max_length=20, choices=HeldReason.choices, blank=True)
    hidden_reason = models.CharField(_("reason for hiding"), max_length=200, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["town", "content_type", "object_id", "status"], name="exchange_post_thread"),
            models.Index(fields=["author", "created_at"], name="exchange_post_author_recent"),
            models.Index(fields=["town", "status", "created_at"], name="exchange_post_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=PostKind.ANSWER) & Q(question__isnull=False))
                | (~Q(kind=PostKind.ANSWER) & Q(question__isnull=True)),
                name="exchange_answer_has_question",
            ),
            models.CheckConstraint(condition=Q(status__in=PostStatus.values), name="exchange_post_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class Report(TownScopedModel):
    """One person's report of a post; a person reports a post once."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="reports", verbose_name=_("post"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reported by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["town", "post", "reporter"], name="exchange_report_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} → {self.post_id}"
