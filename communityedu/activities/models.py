"""Activities: where community education happens, and the evidence that it did.

An **activity** is one session of any kind the plan names — a lecture-hall lecture (大讲堂), a
training, a team activity, a school festival, the 4:30 classroom, the left-behind children's home,
a mediation session, a base visit — organised by a unit, at a venue (a unit, a base or a named
place), between a start and an end, with lecturers, an audience and a capacity. A weekly activity
is created as a **series** of single activities. An activity counts as *held* once it has ended
and was not cancelled.

**Attendance** is an append-only ledger. Each entry records one person at one activity, in a role
(participant, volunteer, lecturer, staff), how it was taken (the resident scanned the venue's
code, staff scanned a learning card, staff ticked the roster, a check-in device) and by whom. A
person is checked in at most once per activity: a second scan finds the first entry. A check-in
taken where there is no signal is queued on the staff member's phone with an id the phone made and
the time of the scan, and uploaded later (离线同步): a retry of that id finds the same entry. A
correction is a *reversal* entry with a reason, never an edit or a deletion; after a reversal the person can be
checked in again. **Headcounts** of open-air events are kept apart and never mixed into named
attendance.

A **learning card** gives each resident an opaque, signed token for staff to scan — the way to
check in children and residents without a phone. **Registrations** reserve a place, within the
activity's capacity. **Evidence** — photos, scanned sign-in sheets, PDFs — is what the evaluators
will ask for; an activity without it still counts as held, and is flagged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.activities.constants import (
    ActivityKind,
    AttendanceRole,
    AttendanceSource,
    EntryKind,
    EvidenceKind,
)
from communityedu.activities.fees.models import FeeStandard, LecturePayment
from communityedu.activities.reminders.models import ActivityReminder
from communityedu.activities.rollups import ParticipantDayCount, YearlyParticipant
from communityedu.core.models import TownScopedModel

# The fee ledger, the participation rollups and the reminders keep their models in modules of their
# own; importing them here registers them with the app, as Django loads an app's models from here.
__all__ = [
    "Activity",
    "ActivityLecturer",
    "ActivityReminder",
    "ActivitySeries",
    "AttendanceEntry",
    "Evidence",
    "FeeStandard",
    "Headcount",
    "LearningCard",
    "LecturePayment",
    "ParticipantDayCount",
    "Registration",
    "YearlyParticipant",
]


class ActivitySeries(TownScopedModel):
    """A weekly activity, created as one activity per week until an end date."""

    title = models.CharField(_("title"), max_length=120)
    weekday = models.PositiveSmallIntegerField(_("weekday"), help_text=_("0 = Monday … 6 = Sunday"))
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))

    class Meta:
        verbose_name = _("activity series")
        verbose_name_plural = _("activity series")

    def __str__(self) -> str:
        return self.title


class Activity(TownScopedModel):
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    organiser = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="organised_activities", verbose_name=_("organiser")
    )
    venue_unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_activities",
        verbose_name=_("venue (unit or base)"),
    )
    venue_place = models.CharField(_("venue (place)"), max_length=120, blank=True)
    village = models.ForeignKey(
        "organization.Village",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("village/community"),
        help_text=_("Where it takes place, if in one village."),
    )
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    lecturers = models.ManyToManyField(
        "people.Person", through="ActivityLecturer", related_name="lectures", verbose_name=_("lecturers")
    )
    audience = models.CharField(_("audience"), max_length=120, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    summary = models.TextField(_("summary afterwards"), blank=True)
    series = models.ForeignKey(
        ActivitySeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    check_in_token = models.CharField(max_length=40)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.UniqueConstraint(fields=["town", "check_in_token"], name="activity_check_in_token_unique"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"),
        ]
        indexes = [
            # The figures' counts of held activities read this index alone (no table row).
            models.Index(fields=["town", "starts_at", "ends_at", "is_cancelled"], name="activity_town_held"),
            # The lecture hall's months: only the town's lectures, not every activity.
            models.Index(fields=["town", "kind", "starts_at"], name="activity_town_kind_start"),
        ]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.starts_at):%Y-%m-%d} {self.title}"

    def is_held(self, now=None) -> bool:
        return not self.is_cancelled and self.ends_at <= (now or timezone.now())

    @property
    def venue_label(self) -> str:
        return " · ".join(part for part in (self.venue_unit.name if self.venue_unit else "", self.venue_place) if part)


class ActivityLecturer(TownScopedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="lecturer_links")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="lecturer_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "activity", "person"], name="activity_lecturer_unique")]

    def __str__(self) -> str:
        return f"{self.activity} {self.person}"


class DutyRole(models.TextChoices):
    VOLUNTEER = "volunteer", _("volunteer")
    TEACHER = "teacher", _("teacher")


class ActivityDuty(TownScopedModel):
    """Someone on duty at an activity besides its lecturers: a volunteer or a teacher the organiser
    assigned. Those on duty take the roll and scan cards, and see the names, from a day before the
    activity to a day after it (``permissions.attendance_names_for``)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="duties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="duties")
    role = models.CharField(_("on duty as"), max_length=10, choices=DutyRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "activity", "person"], name="activity_duty_unique")]

    def __str__(self) -> str:
        return f"{self.activity} {self.person} {self.role}"


class Registration(TownScopedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="registrations")
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "activity", "person"], name="registration_unique")]

    def __str__(self) -> str:
        return f"{self.activity} {self.person}"


class AttendanceEntry(TownScopedModel):
    """One line of the attendance ledger: a check-in, or the reversal of one."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="attendance_entries")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attendance_entries")
    entry_kind = models.CharField(_("entry"), max_length=10, choices=EntryKind.choices, default=EntryKind.CHECK_IN)
    # How many reversals came before for this person and activity: a check-in is unique per
    # (activity, person, generation), which makes concurrent scans collapse into one row.
    generation = models.PositiveIntegerField(default=0)
    role = models.CharField(
        _("role"), max_length=12, choices=AttendanceRole.choices, default=AttendanceRole.PARTICIPANT
    )
    source = models.CharField(_("taken by"), max_length=12, choices=AttendanceSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    # A check-in taken offline carries the id its device made (a retry finds the same row) and the
    # time of the scan; ``created_at`` is when it arrived.
    client_id = models.UUIDField(_("device's id of the check-in"), null=True, blank=True)
    scanned_at = models.DateTimeField(_("scanned at"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "created_at", "id"]
        verbose_name = _("attendance entry")
        verbose_name_plural = _("attendance ledger")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "activity", "person", "generation", "entry_kind"], name="attendance_once_per_generation"
            ),
            models.UniqueConstraint(
                fields=["town", "activity", "client_id"],
                condition=Q(client_id__isnull=False),
                name="attendance_client_id_unique",
            ),
            models.CheckConstraint(
                condition=~Q(entry_kind="reversal") | ~Q(reason=""), name="attendance_reversal_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["town", "person"], name="attendance_town_person")]

    def __str__(self) -> str:
        return f"{self.activity} {self.person} {self.entry_kind}"


class Headcount(TownScopedModel):
    """People counted without names at an open-air event (person-times, 人次)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="headcounts")
    count = models.IntegerField(_("people counted"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcounts")

    def __str__(self) -> str:
        return f"{self.activity} {self.count}"


class LearningCard(TownScopedModel):
    """A resident's card for staff to scan; the token is random and signed, never a database id."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="learning_cards")
    token = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town", "token"], name="learning_card_token_unique")]

    def __str__(self) -> str:
        return f"{self.person}"


class Evidence(TownScopedModel):
    """A file that proves an activity took place: a photo, a scanned sign-in sheet, a PDF."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=16, choices=EvidenceKind.choices)
    file = models.CharField(max_length=200)
    thumbnail = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_removed = models.BooleanField(default=False)
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["activity", "created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name
