"""How a town is assessed: its basic conditions, the evaluation indicator tree, its
self-assessment and the annual community-education assessment of its units.

**Basic conditions** (基本条件, REQUIREMENTS R1, R2): the community school and every learning
centre keep, for a year, a checklist of four items — venue (place and area in m²), staff, yearly
funds and facilities/equipment — each backed by evidence files. An item is complete when its
value is filled in and at least one file backs it; what is missing is flagged, and the share of
complete items is an indicator source.

**The indicator system** (评估指标体系) is data: a tree of indicators loaded from a sheet, one row
per indicator, its code (1, 1.2, 1.2.3) giving its level and its parent. Each load is a new
*version*; the latest is the town's current one, and older self-assessments keep theirs. A leaf is
scored automatically from a figure in ``metrics`` or from the basic conditions, or by a person.

**A self-assessment** (自评) is the town scored against one version for a year, read as of a date.
Automatic leaves are computed when read (always equal to the dashboard's figures for that date);
manual scores belong to the year, not to the date: they are a ledger — a new score for a leaf is a
new entry, and the latest one of the year counts whatever date the year is read as of.

**The annual unit assessment** gives every department, the school and every village committee a
community-education score from weighted criteria (``criteria``), worth 5% of the unit's annual
target assessment. The weights are kept per town and year; the scores are computed when read.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communityedu.assessment.constants import ConditionItem, ScoringMethod, ScoringRule
from communityedu.core.models import TownScopedModel


class UnitConditions(TownScopedModel):
    """The basic conditions of one unit (the community school or a learning centre) in a year."""

    unit = models.ForeignKey(
        "organization.Unit", on_delete=models.PROTECT, related_name="basic_conditions", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    venue_place = models.CharField(_("venue (place)"), max_length=120, blank=True)
    venue_area = models.DecimalField(_("venue area (m²)"), max_digits=8, decimal_places=1, null=True, blank=True)
    staff = models.CharField(_("staff"), max_length=200, blank=True, help_text=_("Who runs it: names or posts."))
    staff_count = models.PositiveSmallIntegerField(_("number of staff"), null=True, blank=True)
    yearly_funds = models.DecimalField(_("yearly funds (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    equipment = models.CharField(_("facilities and equipment"), max_length=300, blank=True)

    class Meta:
        ordering = ["year", "unit__unit_type", "unit__name"]
        verbose_name = _("basic conditions")
        verbose_name_plural = _("basic conditions")
        constraints = [
            models.UniqueConstraint(fields=["town", "unit", "year"], name="conditions_once_per_unit_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="conditions_year_sensible"),
            models.CheckConstraint(
                condition=Q(venue_area__isnull=True) | Q(venue_area__gt=0), name="conditions_area_positive"
            ),
            models.CheckConstraint(
                condition=Q(yearly_funds__isnull=True) | Q(yearly_funds__gte=0), name="conditions_funds_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"

    def has_value(self, item: str) -> bool:
        if item == ConditionItem.VENUE:
            return bool(self.venue_place.strip()) and self.venue_area is not None
        if item == ConditionItem.STAFF:
            return bool(self.staff.strip()) and bool(self.staff_count)
        if item == ConditionItem.FUNDS:
            return self.yearly_funds is not None and self.yearly_funds > 0
        return bool(self.equipment.strip())


class EvidenceFile(TownScopedModel):
    """A file kept as evidence for the assessment: of a basic-conditions item, or of a manual score.

    Checked like an activity's evidence (``activities.evidence``): by content, size and a safe
    name; stored under a random name. Never deleted: removing hides it with a reason."""

    conditions = models.ForeignKey(
        UnitConditions, null=True, blank=True, on_delete=models.PROTECT, related_name="files"
    )
    item = models.CharField(_("item"), max_length=12, choices=ConditionItem.choices, blank=True)
    file = models.CharField(max_length=200)
    thumbnail = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_removed = models.BooleanField(default=False)
    removed_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("assessment evidence file")
        verbose_name_plural = _("assessment evidence files")
        constraints = [
            models.CheckConstraint(
                condition=(Q(conditions__isnull=True) & Q(item="")) | (Q(conditions__isnull=False) & ~Q(item="")),
                name="evidence_file_item_with_conditions",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class IndicatorSystem(TownScopedModel):
    """One loaded version of the evaluation indicator tree of a town."""

    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=120)
    source_name = models.CharField(_("loaded from"), max_length=200, blank=True)
    total_points = models.DecimalField(_("total points"), max_digits=7, decimal_places=2)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["town", "-version"]
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        constraints = [models.UniqueConstraint(fields=["town", "version"], name="indicator_system_version_once")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Indicator(TownScopedModel):
    """One indicator of a version: its code gives its level and its parent."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(pgettext_lazy("indicator", "code"), max_length=30)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    level = models.PositiveSmallIntegerField(_("level"))
    position = models.PositiveIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    points = models.DecimalField(pgettext_lazy("indicator", "points"), max_digits=7, decimal_places=2)
    evaluation_points = models.TextField(_("evaluation points"), blank=True)
    method = models.CharField(_("scoring"), max_length=12, choices=ScoringMethod.choices, blank=True)
    source = models.CharField(
        pgettext_lazy("indicator", "source"),
        max_length=40,
        blank=True,
        help_text=_("A figure key or a condition item."),
    )
    threshold = models.DecimalField(
        pgettext_lazy("indicator", "threshold"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    rule = models.CharField(_("rule"), max_length=12, choices=ScoringRule.choices, blank=True)

    class Meta:
        ordering = ["system", "position"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["town", "system", "code"], name="indicator_code_once_per_system"),
            models.CheckConstraint(condition=Q(points__gte=Decimal("0")), name="indicator_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_leaf(self) -> bool:
        return bool(self.method)


class SelfAssessment(TownScopedModel):
    """The town scored against one indicator version for a year. The date it is read as of moves
    only the automatic leaves (they are the figures as of that date); its manual scores belong to
    the year and read the same on any date."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="self_assessments")
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        ordering = ["-year", "system"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [
            models.UniqueConstraint(fields=["town", "system", "year"], name="self_assessment_once_a_year"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="self_assessment_year"),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.year}"


class ManualScore(TownScopedModel):
    """A person's score of a manual leaf for the self-assessment's year: a ledger entry; the
    latest of the indicator and year counts, whatever date the self-assessment is read as of."""

    self_assessment = models.ForeignKey(SelfAssessment, on_delete=models.PROTECT, related_name="manual_scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="manual_scores")
    points = models.DecimalField(pgettext_lazy("indicator", "points"), max_digits=7, decimal_places=2)
    comment = models.TextField(pgettext_lazy("indicator", "comment"))
    files = models.ManyToManyField(EvidenceFile, blank=True, related_name="manual_scores")
    activity_evidence = models.ManyToManyField("activities.Evidence", blank=True, related_name="+")
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["self_assessment", "indicator", "-created_at", "-id"]
        verbose_name = _("manual score")
        verbose_name_plural = _("manual scores")
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=Decimal("0")), name="manual_score_not_negative"),
            models.CheckConstraint(condition=~Q(comment=""), name="manual_score_has_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.points}"


class CriterionWeight(TownScopedModel):
    """The weight of one criterion of the annual unit assessment, for a town and a year."""

    year = models.PositiveSmallIntegerField(_("year"))
    criterion = models.CharField(_("criterion"), max_length=40)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["year", "criterion"]
        verbose_name = _("criterion weight")
        verbose_name_plural = _("criterion weights")
        constraints = [
            models.UniqueConstraint(fields=["town", "year", "criterion"], name="criterion_weight_once"),
            models.CheckConstraint(condition=Q(weight__gte=Decimal("0")), name="criterion_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.criterion}: {self.weight}"


class DossierExport(TownScopedModel):
    """One build of the evaluation dossier (创建资料) of a year as of a cut-off date: a background
    job writing a PDF report, a .zip of the evidence files by indicator and an .xlsx score sheet
    under ``MEDIA_ROOT/dossiers/<town>/<id>/``. Its state and progress are kept on the row, which
    the web processes and the worker share."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("year"))
    as_of = models.DateField(_("as of"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(_("step"), max_length=60, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    pdf_file = models.CharField(max_length=200, blank=True)
    zip_file = models.CharField(max_length=200, blank=True)
    xlsx_file = models.CharField(max_length=200, blank=True)
    evidence_files = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dossier export")
        verbose_name_plural = _("dossier exports")
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="dossier_export_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} ({self.as_of})"

    @property
    def is_running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
