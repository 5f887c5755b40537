"""The shape of a town's community-education network.

A **district** (区, e.g. Fuling 500102) holds **towns** (镇/街道); a town is the tenant: every
domain row carries its town, and a town's staff see only their town. A town is made of
**villages and residential communities** (村/社区), each with an administrative code and a
resident population (常住人口) per year — the denominator of the participation and funding figures.

**Units** are the bodies that do the work: the leadership group and its office, the community
school, one learning centre per village, the member departments (party/government organs, mass
organisations, the middle school), the village committees, the volunteer teams and the education
bases. A unit has a type, a **category** recorded by the town office (党政机关, 事业单位, 群团组织:
the learning-organ rate counts the units classified as party and government organs, so a
教育管理中心 working beside the organs is still a public institution) and aliases, because the
plan names one body in several ways
(教育中心 = 教管中心). A unit's **duties** are recorded as the plan states them. **Positions**
name who holds which post in a unit (the town head leads the leadership group), by post, not name.

**Role assignments** say what an account may do and where: a town-office role covers the town, a
learning-centre director covers one learning centre (and so one village), a department staff role
covers one department, a district evaluator covers every town of the district.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communityedu.core.models import TimeStampedModel, TownScopedModel
from communityedu.organization.constants import Role, UnitCategory, UnitType, VillageKind


class District(TimeStampedModel):
    is_global_table = True

    code = models.CharField(_("administrative code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Town(TimeStampedModel):
    """A town or sub-district: the tenant."""

    is_global_table = True

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="towns", verbose_name=_("district"))
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("administrative code"), max_length=12, blank=True)
    programme_start = models.DateField(
        _("programme start"), null=True, blank=True, help_text=_("First month the lecture-hall target applies.")
    )
    targets_due_on = models.DateField(
        _("targets due on"),
        null=True,
        blank=True,
        help_text=_(
            "The plan's deadline for its targets (evaluation); a figure below its threshold after it is not met."
        ),
    )
    default_year = models.PositiveSmallIntegerField(
        _("year shown by default"),
        null=True,
        blank=True,
        help_text=_(
            "The year the targets dashboard and the self-assessment open on; empty: the latest year with data."
        ),
    )

    class Meta:
        ordering = ["district__code", "code", "slug"]
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(default_year__isnull=True)
                | (models.Q(default_year__gte=2000) & models.Q(default_year__lte=2100)),
                name="town_default_year_sensible",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Village(TownScopedModel):
    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(_("administrative code"), max_length=12, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=VillageKind.choices, default=VillageKind.VILLAGE)

    class Meta:
        ordering = ["town", "code", "name"]
        verbose_name = _("village/community")
        verbose_name_plural = _("villages/communities")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="village_name_unique_per_town"),
            models.UniqueConstraint(
                fields=["town", "code"], condition=~Q(code=""), name="village_code_unique_per_town"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VillagePopulation(TownScopedModel):
    """The resident population (常住人口) of a village in a year."""

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="populations", verbose_name=_("village")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    resident_population = models.PositiveIntegerField(_("resident population"))

    class Meta:
        ordering = ["village", "-year"]
        verbose_name = _("resident population")
        verbose_name_plural = _("resident populations")
        constraints = [
            models.UniqueConstraint(fields=["town", "village", "year"], name="population_unique_per_village_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="population_year_sensible"),
        ]

    def __str__(self) -> str:
        return f"{self.village} {self.year}: {self.resident_population}"


class Unit(TownScopedModel):
    name = models.CharField(_("name"), max_length=80)
    unit_type = models.CharField(_("type"), max_length=30, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("part of")
    )
    village = models.ForeignKey(
        Village,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("village/community"),
        help_text=_("For a learning centre or village committee: the village it serves."),
    )
    is_leadership_member = models.BooleanField(_("member of the leadership group"), default=False)
    category = models.CharField(
        _("category"),
        max_length=30,
        choices=UnitCategory.choices,
        default=UnitCategory.OTHER,
        help_text=_("The learning-organ rate counts the units classified as party and government organs."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["town", "unit_type", "name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="unit_name_unique_per_town"),
            models.CheckConstraint(
                condition=~Q(unit_type__in=[UnitType.LEARNING_CENTRE, UnitType.VILLAGE_COMMITTEE])
                | Q(village__isnull=False),
                name="village_unit_names_its_village",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitAlias(TownScopedModel):
    """Another name the plan uses for a unit (教管中心 for 教育中心)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("unit"))
    name = models.CharField(_("alias"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="unit_alias_unique_per_town")]

    def __str__(self) -> str:
        return self.name


class UnitDuty(TownScopedModel):
    """A duty of a unit as the plan states it."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="duties", verbose_name=_("unit"))
    text = models.TextField(_("duty"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["unit", "position", "id"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return self.text[:40]


class Position(TownScopedModel):
    """A post in a unit, named by the office that fills it (组长: 镇长)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="positions", verbose_name=_("unit"))
    title = models.CharField(_("post"), max_length=40)
    held_by = models.CharField(_("held by"), max_length=80, help_text=_("The office that fills the post, e.g. 镇长."))
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="positions",
        verbose_name=_("person"),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["unit", "position", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self) -> str:
        return f"{self.unit} {self.title}: {self.held_by}"


class RoleAssignment(TimeStampedModel):
    """What an account may do, and where: a town, one unit of it, or a whole district."""

    is_global_table = True  # an evaluator's or administrator's roles span towns

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    town = models.ForeignKey(
        Town, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("town")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    district = models.ForeignKey(
        District, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("district")
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "town", "unit", "district"],
                name="role_assignment_unique",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["district_evaluator"], district__isnull=False)
                | Q(role__in=["system_admin"])
                | Q(town__isnull=False),
                name="role_assignment_has_scope",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=["centre_director", "department_staff"]) | Q(unit__isnull=False),
                name="unit_role_names_its_unit",
            ),
        ]

    def __str__(self) -> str:
        scope = self.unit or self.town or self.district or ""
        return f"{self.user} {self.get_role_display()} {scope}"


from communityedu.organization.audience_groups import AudienceGroup  # noqa: E402,F401
from communityedu.organization.recurring_activities import RecurringActivity  # noqa: E402,F401
from communityedu.organization.targets import Target  # noqa: E402,F401
