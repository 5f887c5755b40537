from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
    SCALE = "scale", _("five-point scale")
    YES_NO = "yes_no", _("yes or no")
    FREE_TEXT = "free_text", _("free text")


class StandardKey(models.TextChoices):
    AWARENESS = "awareness", _("awareness (知晓)")
    RECOGNITION = "recognition", _("recognition (认同)")
    SATISFACTION = "satisfaction", _("satisfaction (满意)")


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PAPER = "paper", _("paper")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
# Kinds whose answer is a number: a scale point 1-5, or yes = 1 / no = 0.
VALUE_KINDS = frozenset({QuestionKind.SCALE, QuestionKind.YES_NO})
# Kinds a standard question may take: only these have a "positive" answer.
STANDARD_KINDS = VALUE_KINDS

SCALE_POINTS = (5, 4, 3, 2, 1)
YES, NO = 1, 0
# The top two points of the five-point scale (or "yes") count as positive.
POSITIVE_SCALE_POINTS = frozenset({4, 5})

SCALE_LABELS = {
    StandardKey.RECOGNITION: {
        5: _("Fully agree"),
        4: _("Mostly agree"),
        3: _("Neutral"),
        2: _("Mostly disagree"),
        1: _("Fully disagree"),
    },
    StandardKey.SATISFACTION: {
        5: _("Very satisfied"),
        4: _("Satisfied"),
        3: _("Neutral"),
        2: _("Dissatisfied"),
        1: _("Very dissatisfied"),
    },
    "": {5: _("Very good"), 4: _("Good"), 3: _("Fair"), 2: _("Poor"), 1: _("Very poor")},
}
SCALE_LABELS[StandardKey.AWARENESS] = {
    5: _("Know it well"),
    4: _("Know it"),
    3: _("Heard of it"),
    2: _("Know little"),
    1: _("Do not know"),
}
YES_NO_LABELS = {YES: _("Yes"), NO: _("No")}

MAX_PAPER_ROWS = 5000
