"""Teachers, volunteers and the bonus points the plan promises them (REQUIREMENTS R3).

The **team register** lists the management team (管理队伍), the teachers (师资队伍) and the
volunteers, full-time or part-time, with their specialities and their employer (工作单位) — a
unit of the town or outside it, such as a district hospital. Each employer has an **assessment
total** per year (default 100): the bonus a person may earn in a year is capped at 5% of it.

Points are never typed in. They are derived from the facts — a lecture given (+1) at a held
lecture-hall lecture, lecture or training with evidence; an activity joined (+0.1) as participant or
volunteer at any other held activity with evidence — by ``metrics.points``. Only part-time teachers
and volunteers earn them; for full-time community-education staff it is their job.

A **certificate** (证明) is what the community school issues so that the person's employer can
grant the bonus. It carries a serial number, the figures as they stood when issued, and a code for
the public verification page. A revoked certificate says so there.

**Training records** note the trainings a teacher attended (e.g. at the district
community-education college).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TownScopedModel


class TeamCategory(models.TextChoices):
    FULL_TIME_MANAGER = "full_time_manager", _("full-time manager")
    PART_TIME_MANAGER = "part_time_manager", _("part-time manager")
    FULL_TIME_TEACHER = "full_time_teacher", _("full-time teacher")
    PART_TIME_TEACHER = "part_time_teacher", _("part-time teacher")
    VOLUNTEER = "volunteer", _("volunteer")


# The plan grants bonus points to part-time teachers and volunteers only.
EARNS_POINTS = frozenset({TeamCategory.PART_TIME_TEACHER, TeamCategory.VOLUNTEER})
DEFAULT_ASSESSMENT_TOTAL = Decimal("100")


class TeamMember(TownScopedModel):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="team_memberships")
    category = models.CharField(_("category"), max_length=20, choices=TeamCategory.choices)
    specialities = models.CharField(_("specialities"), max_length=200, blank=True)
    employer = models.ForeignKey(
        "organization.Unit",
        on_delete=models.PROTECT,
        related_name="team_members",
        verbose_name=_("employer (工作单位)"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "person__name"]
        verbose_name = _("team member")
        verbose_name_plural = _("team register")
        constraints = [models.UniqueConstraint(fields=["town", "person"], name="team_member_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_category_display()})"

    @property
    def earns_points(self) -> bool:
        return self.category in EARNS_POINTS


class EmployerAssessment(TownScopedModel):
    """The employer's own assessment total for a year (not the town's unit assessment)."""

    employer = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="assessment_totals")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("assessment total"), max_digits=7, decimal_places=2, default=DEFAULT_ASSESSMENT_TOTAL)

    class Meta:
        verbose_name = _("employer assessment total")
        constraints = [
            models.UniqueConstraint(fields=["town", "employer", "year"], name="employer_assessment_once_a_year"),
            models.CheckConstraint(condition=Q(total__gt=0), name="employer_assessment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.employer} {self.year}: {self.total}"


class TrainingRecord(TownScopedModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="training_records")
    title = models.CharField(_("training"), max_length=120)
    provider = models.CharField(_("given by"), max_length=120, blank=True)
    attended_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["-attended_on"]
        verbose_name = _("training record")

    def __str__(self) -> str:
        return f"{self.person} {self.title}"


class Certificate(TownScopedModel):
    """A certificate of bonus points for one person and assessment year, as issued."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="certificates")
    year = models.PositiveSmallIntegerField(_("assessment year"))
    serial = models.CharField(_("serial number"), max_length=40)
    code = models.CharField(max_length=40)
    issuing_unit = models.ForeignKey("organization.Unit", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    lectures = models.PositiveIntegerField(_("lectures given"))
    activities = models.PositiveIntegerField(_("activities joined"))
    earned = models.DecimalField(_("points earned"), max_digits=7, decimal_places=1)
    cap = models.DecimalField(_("cap"), max_digits=7, decimal_places=2)
    granted = models.DecimalField(_("points granted"), max_digits=7, decimal_places=2)
    employer_name = models.CharField(_("employer"), max_length=80)
    lines = models.JSONField(default=list, help_text="The lectures and activities behind the figures, as issued.")
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["town", "serial"], name="certificate_serial_unique"),
            models.UniqueConstraint(fields=["town", "code"], name="certificate_code_unique"),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revoke_reason=""), name="certificate_revocation_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None


class TeamMembership(TownScopedModel):
    """A volunteer's membership of one of the town's volunteer teams (社区教育坝坝舞队, 调解组…: units
    of the volunteer-team type), from the day they joined to the day they left (open while they
    stay). A volunteer may belong to several teams; leaving keeps the row, so a year's figure reads
    who belonged on its day."""

    team = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="memberships", verbose_name=_("team")
    )
    member = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, related_name="team_memberships", verbose_name=_("volunteer")
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["team", "joined_on", "id"]
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "team", "member"], condition=Q(left_on__isnull=True), name="team_membership_open_once"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="team_membership_leaves_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.member_id} {self.joined_on}–{self.left_on or ''}"

    def is_member_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)
