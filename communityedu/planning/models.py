"""Running the town's plan: its phases and tasks, its meetings, rectification, notices and the
external evaluation.

The plan (§3) runs in five **phases** (阶段), each with an end date and most with a start: set-up
(机构建立), mobilisation (动员部署), full implementation (全面实施), self-check (自查总结) and
evaluation and acceptance (评估验收). In each phase the plan's targets are split per responsible
**unit** (分解落实目标任务) into **tasks**: a title, the unit's share of the target, the person in
charge (负责人), a due date and a status — not started, in progress, done on a date. A task still
open after its due date is *overdue*; a task done after its due date is *done late*. Evidence
files (photos, scanned documents, PDFs) are kept beside a task, checked by their content like the
activities' evidence.

**Meetings** are those the plan names: the mobilisation meeting (动员部署会议), the progress
meeting (推进会) and the joint meeting (联席会议), held once or twice every year. A meeting records
the units invited and which of them attended, its minutes and decisions; its **action items**
are rectification items with an owner unit and a due date, followed until closed.

A **rectification item** (整改) is one thing a unit must put right, whatever raised it: a
meeting's action item, a published criticism, or the external evaluation. It is open, being
rectified (once a note is written) or closed — with a closing note, a date and, ideally, a
closing evidence file.

**Notices** (通报) commend units and individuals (通报表扬) or criticise units (通报批评). A notice
is drafted, approved by a *different* town-office account, then published to the units concerned;
publishing a criticism raises a rectification item for every unit it names.

The **external evaluation** (评估验收) records its date, the evaluators, the score, the conclusion,
and the rectification items it raises.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communityedu.core.dates import entered_after
from communityedu.core.models import TownScopedModel
from communityedu.organization.models import Unit
from communityedu.planning.constants import (
    MeetingKind,
    NoticeKind,
    NoticeStatus,
    RectificationSource,
    RectificationStatus,
    TaskStatus,
)


def _user(related_name: str = "+", verbose_name=None):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        verbose_name=verbose_name,
    )


class Phase(TownScopedModel):
    """One of the plan's five phases (§3) with its dates."""

    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["town", "number"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="phase_number_unique_per_town"),
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=9), name="phase_number_sensible"),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__lte=F("ends_on")), name="phase_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Task(TownScopedModel):
    """A unit's share of a phase's work: what, who is in charge, by when, and how far it is."""

    # Set by the selectors that list tasks as of a day (``selectors.plan_progress``).
    is_overdue: bool
    is_done: bool

    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("phase"))
    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="plan_tasks", verbose_name=_("responsible unit")
    )
    title = models.CharField(_("task"), max_length=200)
    target = models.TextField(_("target for the unit"), blank=True)
    owner = models.CharField(_("person in charge"), max_length=60, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = _user(verbose_name=_("created by"))

    class Meta:
        ordering = ["phase__number", "due_on", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        constraints = [
            models.UniqueConstraint(fields=["town", "phase", "unit", "title"], name="task_unique_per_phase_unit"),
            models.CheckConstraint(
                condition=(Q(status=TaskStatus.DONE) & Q(done_on__isnull=False))
                | (~Q(status=TaskStatus.DONE) & Q(done_on__isnull=True)),
                name="task_done_has_a_date",
            ),
        ]
        indexes = [models.Index(fields=["town", "due_on"], name="task_town_due_on")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.title}"

    def is_done_as_of(self, as_of) -> bool:
        return self.done_on is not None and self.done_on <= as_of

    def is_overdue_as_of(self, as_of) -> bool:
        return self.due_on < as_of and not self.is_done_as_of(as_of)

    @property
    def is_done_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on


class Meeting(TownScopedModel):
    """A meeting the plan names, with its minutes and decisions."""

    # Counts set by ``selectors.meeting_list``.
    invited_count: int
    attended_count: int
    open_items: int
    overdue_items: int

    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = _user(verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["town", "held_on", "title"], name="meeting_unique_per_day_title"),
        ]
        indexes = [models.Index(fields=["town", "kind", "held_on"], name="meeting_town_kind_held_on")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    @property
    def is_entered_after_the_fact(self) -> bool:
        """补录: recorded on a later day than it was held."""
        return entered_after(self, self.held_on)


class MeetingInvitation(TownScopedModel):
    """A unit invited to a meeting, and whether it attended."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["unit__unit_type", "unit__name"]
        verbose_name = _("meeting invitation")
        verbose_name_plural = _("meeting invitations")
        constraints = [
            models.UniqueConstraint(fields=["town", "meeting", "unit"], name="meeting_invitation_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.unit}"


class Evaluation(TownScopedModel):
    """The external evaluation and acceptance (评估验收) of the town."""

    held_on = models.DateField(_("held on"))
    evaluators = models.CharField(_("evaluators"), max_length=300)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    is_accepted = models.BooleanField(_("accepted"), default=False)
    conclusion = models.TextField(_("conclusion"))
    recorded_by = _user(verbose_name=_("recorded by"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("external evaluation")
        verbose_name_plural = _("external evaluations")
        constraints = [
            models.UniqueConstraint(fields=["town", "held_on"], name="evaluation_once_per_day"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_0_to_100"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.score}"


class Notice(TownScopedModel):
    """A commendation or a criticism: drafted, approved by another account, published."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    # The date the notice takes effect, as printed on it (发文日期); ``created_at`` is when it was
    # typed. Null only for notices written before the date was asked for: the consistency checks
    # flag a published one without it.
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    drafted_by = _user(verbose_name=_("drafted by"))
    approved_by = _user(verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = [F("effective_on").desc(nulls_last=True), "-created_at", "-id"]
        verbose_name = pgettext_lazy("planning", "notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["town", "title"], name="notice_title_unique_per_town"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("drafted_by")),
                name="notice_approved_by_another_account",
            ),
            models.CheckConstraint(
                condition=Q(status=NoticeStatus.DRAFT) | Q(approved_at__isnull=False),
                name="notice_approved_before_publishing",
            ),
            models.CheckConstraint(
                condition=~Q(kind=NoticeKind.CRITICISM) | Q(rectify_by__isnull=False),
                name="notice_criticism_has_a_deadline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED

    @property
    def is_entered_after_the_fact(self) -> bool:
        """补录: typed on a later day than the date it takes effect."""
        return entered_after(self, self.effective_on)

    def subject_lines(self) -> list[str]:
        """Who the notice names, each unit once with its individuals beside it
        (``弋阳村村委会（刘芳）``), in the order given; reads ``subjects`` as prefetched."""
        people: dict[Unit, list[str]] = {}
        for subject in self.subjects.all():
            names = people.setdefault(subject.unit, [])
            if subject.person_name:
                names.append(subject.person_name)
        return [f"{unit.name}（{'、'.join(names)}）" if names else unit.name for unit, names in people.items()]


class NoticeSubject(TownScopedModel):
    """A unit a notice concerns, or an individual of that unit (commendations only)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="subjects")
    unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    person_name = models.CharField(_("individual"), max_length=50, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("notice subject")
        verbose_name_plural = _("notice subjects")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "notice", "unit", "person_name"], name="notice_subject_once_per_notice"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.person_name}".strip()


class RectificationItem(TownScopedModel):
    """One thing a unit must put right (整改), raised by a meeting, a criticism or the evaluation."""

    # Set by the selectors that list items as of a day.
    is_overdue: bool

    source = models.CharField(_("raised by"), max_length=20, choices=RectificationSource.choices)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="action_items")
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.PROTECT, related_name="rectification_items"
    )
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="rectification_items"
    )
    unit = models.ForeignKey(
        "organization.Unit",
        on_delete=models.PROTECT,
        related_name="rectification_items",
        verbose_name=pgettext_lazy("rectification", "owner unit"),
    )
    description = models.TextField(_("what to put right"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=RectificationStatus.choices, default=RectificationStatus.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    raised_by = _user(verbose_name=_("raised by"))
    closed_by = _user(verbose_name=_("closed by"))

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("rectification item")
        verbose_name_plural = _("rectification items")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(source=RectificationSource.MEETING)
                    & Q(meeting__isnull=False)
                    & Q(notice__isnull=True)
                    & Q(evaluation__isnull=True)
                )
                | (
                    Q(source=RectificationSource.CRITICISM)
                    & Q(meeting__isnull=True)
                    & Q(notice__isnull=False)
                    & Q(evaluation__isnull=True)
                )
                | (
                    Q(source=RectificationSource.EVALUATION)
                    & Q(meeting__isnull=True)
                    & Q(notice__isnull=True)
                    & Q(evaluation__isnull=False)
                ),
                name="rectification_names_what_raised_it",
            ),
            models.CheckConstraint(
                condition=(Q(status=RectificationStatus.CLOSED) & Q(closed_on__isnull=False) & ~Q(closing_note=""))
                | (~Q(status=RectificationStatus.CLOSED) & Q(closed_on__isnull=True)),
                name="rectification_closed_with_date_and_note",
            ),
            models.UniqueConstraint(
                fields=["town", "notice", "unit"],
                condition=Q(notice__isnull=False),
                name="rectification_once_per_criticised_unit",
            ),
        ]
        indexes = [models.Index(fields=["town", "status", "due_on"], name="rectification_town_status_due")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.description[:60]}"

    @property
    def is_closed(self) -> bool:
        return self.status == RectificationStatus.CLOSED

    def is_overdue_as_of(self, as_of) -> bool:
        if self.closed_on is not None and self.closed_on <= as_of:
            return False
        return self.due_on < as_of


class RectificationNote(TownScopedModel):
    """A note on how the rectification goes (整改情况); notes are added, never edited."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    written_by = _user(verbose_name=_("written by"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("rectification note")
        verbose_name_plural = _("rectification notes")

    def __str__(self) -> str:
        return self.text[:60]


class PlanFile(TownScopedModel):
    """An evidence file of a task or a rectification item, checked by its content when kept."""

    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    item = models.ForeignKey(RectificationItem, null=True, blank=True, on_delete=models.PROTECT, related_name="files")
    file = models.CharField(_("stored file"), max_length=255)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = _user(verbose_name=_("uploaded by"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("plan evidence file")
        verbose_name_plural = _("plan evidence files")
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(item__isnull=True))
                | (Q(task__isnull=True) & Q(item__isnull=False)),
                name="plan_file_belongs_to_one_record",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class PlanSetting(TownScopedModel):
    """How the town office runs its plan: whether a task may be marked done without an evidence
    file (the office decides; off by default, as the plan does not require it)."""

    evidence_required_for_done = models.BooleanField(
        _("evidence required to mark a task done"),
        default=False,
        help_text=_("When on, a task is marked done only once an evidence file is attached to it."),
    )

    class Meta:
        verbose_name = _("plan setting")
        verbose_name_plural = _("plan settings")
        constraints = [models.UniqueConstraint(fields=["town"], name="plan_setting_once_per_town")]

    def __str__(self) -> str:
        return str(self.town)
