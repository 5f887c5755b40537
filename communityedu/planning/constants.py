from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")


class MeetingKind(models.TextChoices):
    """The meetings the plan names: the kick-off of phase 2, the progress meeting of phase 4 and
    the joint meeting held once or twice every year (§3, §5(2))."""

    MOBILISATION = "mobilisation", _("mobilisation meeting")
    PROGRESS = "progress", _("progress meeting")
    JOINT = "joint", _("joint meeting")


class RectificationSource(models.TextChoices):
    """What raised a rectification item (整改): a meeting's action item, a published criticism,
    or the external evaluation."""

    MEETING = "meeting", _("meeting action item")
    CRITICISM = "criticism", _("criticism")
    EVALUATION = "evaluation", _("external evaluation")


class RectificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("rectification", "open")
    IN_PROGRESS = "in_progress", _("being rectified")
    CLOSED = "closed", pgettext_lazy("rectification", "closed")


class NoticeKind(models.TextChoices):
    COMMENDATION = "commendation", _("commendation")
    CRITICISM = "criticism", _("criticism")


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    PUBLISHED = "published", _("published")


class JointMeetingYearStatus(models.TextChoices):
    """A year's joint meetings against the plan's 1–2 a year."""

    HELD = "held", _("held in the year")
    NOT_YET = "not_yet", _("none held yet this year")
    MISSING = "missing", _("none held in the year")
    MORE_THAN_PLANNED = "more_than_planned", _("more than the plan asks")


# The plan: "每年召开1-2次联席会议".
JOINT_MEETINGS_PER_YEAR = (1, 2)
EVIDENCE_SUBFOLDER = "planning"
MAX_FILES_PER_RECORD = 20
