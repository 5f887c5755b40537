"""Targets split per village and per unit (分解落实目标任务, R7 phase 2).

The plan sets town-wide thresholds (participation ≥ 70 %, awareness and recognition ≥ 80 %,
satisfaction ≥ 70 %). The town office splits them: each village or community, and each unit that
takes part, gets its own target for a year — 70 % participation for 弋阳村, perhaps more for a
village that started early. A target not set is the plan's threshold.

This module holds the model (registered through ``organization.models``), its read and its
write. Targets are settings, not a ledger: a new value replaces the old, and the audit log keeps
the change.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communityedu.core import audit
from communityedu.core.models import TownScopedModel
from communityedu.core.parsing import check_year
from communityedu.organization.constants import (
    DEFAULT_TARGETS,
    TARGET_UNIT_TYPES,
    UNIT_FIGURES,
    VILLAGE_FIGURES,
    FigureKey,
)

if TYPE_CHECKING:
    from communityedu.organization.scope import Account


class Target(TownScopedModel):
    """The target of one village (or one unit) for one figure in one year, in per cent."""

    year = models.PositiveSmallIntegerField(gettext_lazy("year"))
    figure_key = models.CharField(gettext_lazy("figure"), max_length=30, choices=FigureKey.choices)
    village = models.ForeignKey(
        "organization.Village",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=gettext_lazy("village/community"),
    )
    unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=gettext_lazy("unit"),
    )
    value = models.DecimalField(gettext_lazy("target (%)"), max_digits=5, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "organization"
        ordering = ["year", "figure_key", "village", "unit"]
        verbose_name = gettext_lazy("target")
        verbose_name_plural = gettext_lazy("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year", "figure_key", "village"],
                condition=Q(village__isnull=False),
                name="target_once_per_village_figure_year",
            ),
            models.UniqueConstraint(
                fields=["town", "year", "figure_key", "unit"],
                condition=Q(unit__isnull=False),
                name="target_once_per_unit_figure_year",
            ),
            models.CheckConstraint(
                condition=(Q(village__isnull=False, unit__isnull=True) & Q(figure_key__in=VILLAGE_FIGURES))
                | (Q(unit__isnull=False, village__isnull=True) & Q(figure_key__in=UNIT_FIGURES)),
                name="target_names_village_or_unit_by_figure",
            ),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(value__lte=100), name="target_is_a_percentage"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="target_year_sensible"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.figure_key} {self.village or self.unit}: {self.value}"


def target_units(town):
    from communityedu.organization.models import Unit

    return Unit.objects.filter(town=town, unit_type__in=TARGET_UNIT_TYPES).order_by("unit_type", "name")


def _villages(town):
    from communityedu.organization.models import Village

    return Village.objects.filter(town=town).order_by("code", "name")


def targets_for(*, town, year: int) -> dict[tuple[str, int], Decimal]:
    """Every village's and target unit's target for ``year``, keyed by (figure key, village id)
    for the village figures and (figure key, unit id) for the unit figures — the two sets of keys
    never meet. A target not set is the plan's threshold. Three queries."""
    stored = {
        (figure_key, village_id or unit_id): value
        for figure_key, village_id, unit_id, value in Target.objects.filter(town=town, year=year).values_list(
            "figure_key", "village_id", "unit_id", "value"
        )
    }
    result: dict[tuple[str, int], Decimal] = {}
    for village_id in _villages(town).values_list("pk", flat=True):
        for key in VILLAGE_FIGURES:
            result[(str(key), village_id)] = stored.get((key, village_id), Decimal(DEFAULT_TARGETS[key]))
    for unit_id in target_units(town).values_list("pk", flat=True):
        for key in UNIT_FIGURES:
            result[(str(key), unit_id)] = stored.get((key, unit_id), Decimal(DEFAULT_TARGETS[key]))
    return result


def targets_of_towns(*, town_ids, year: int) -> dict[str, dict[int, Decimal]]:
    """The targets set in ``year`` for the villages and units of many towns, in per cent:
    {figure key: {village or unit id: target}} (a figure's subjects are villages or units, never
    both); a subject missing here has the plan's threshold (:func:`default_target`). One query
    whatever the number of towns and figures."""
    result: dict[str, dict[int, Decimal]] = defaultdict(dict)
    rows = Target.objects.filter(town_id__in=list(town_ids), year=year).order_by()
    for figure_key, village_id, unit_id, value in rows.values_list("figure_key", "village_id", "unit_id", "value"):
        result[figure_key][village_id or unit_id] = value
    return dict(result)


def default_target(figure_key: str) -> Decimal:
    """The plan's threshold for ``figure_key``, in per cent: the target of a village or unit none is set for."""
    return Decimal(DEFAULT_TARGETS[figure_key])


@transaction.atomic
def set_targets(*, town, year: int, values: dict[tuple[str, int], Decimal], actor: Account) -> int:
    """Set the targets ``values`` (keyed as :func:`targets_for` answers) for ``year``; all or
    nothing. Returns how many changed; each change is audited."""
    check_year(year)
    village_ids = set(_villages(town).values_list("pk", flat=True))
    unit_ids = set(target_units(town).values_list("pk", flat=True))
    existing = {
        (row.figure_key, row.village_id or row.unit_id): row
        for row in Target.objects.select_for_update().filter(town=town, year=year).order_by("pk")
    }
    changed = 0
    for (key, subject_id), value in values.items():
        if key in VILLAGE_FIGURES and subject_id in village_ids:
            subject = {"village_id": subject_id}
        elif key in UNIT_FIGURES and subject_id in unit_ids:
            subject = {"unit_id": subject_id}
        else:
            raise ValidationError(
                _("No such village or unit for this figure: %(key)s %(id)s.") % {"key": key, "id": subject_id}
            )
        if value is None or not Decimal(0) <= value <= Decimal(100):
            raise ValidationError(_("A target is a percentage between 0 and 100."))
        row = existing.get((key, subject_id))
        if row is not None and row.value == value:
            continue
        if row is None:
            row = Target.objects.create(
                town=town,
                year=year,
                figure_key=key,
                value=value,
                set_by=actor if getattr(actor, "pk", None) else None,
                **subject,
            )
            audit.record_change(actor=actor, obj=row, created=True, changes={"value": [None, str(value)]})
        else:
            before = row.value
            row.value = value
            row.set_by = actor if getattr(actor, "pk", None) else None
            row.save(update_fields=["value", "set_by", "updated_at"])
            audit.record_change(actor=actor, obj=row, created=False, changes={"value": [str(before), str(value)]})
        changed += 1
    return changed
