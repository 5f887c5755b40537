from django.db import models
from django.utils.translation import gettext_lazy as _


class PostKind(models.TextChoices):
    COMMENT = "comment", _("comment")
    QUESTION = "question", _("question")
    ANSWER = "answer", _("answer")


class PostStatus(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    APPROVED = "approved", _("published")
    HIDDEN = "hidden", _("hidden")


class HeldReason(models.TextChoices):
    """Why a post waits for a moderator."""

    NONE = "", _("not held")
    POLICY = "policy", _("reviewed before publishing")
    BANNED_WORD = "banned_word", _("contains a banned word")
    REPORTS = "reports", _("reported by residents")


class ReviewPolicy(models.TextChoices):
    REVIEW_FIRST = "review_first", _("residents' posts are reviewed before they are published")
    PUBLISH_THEN_REVIEW = "publish_then_review", _("residents' posts are published at once and reviewed later")


DEFAULT_REPORT_THRESHOLD = 3
MAX_BODY_LENGTH = 2000
