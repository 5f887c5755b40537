"""The criteria of the annual unit assessment (REQUIREMENTS R8: community education is 5% of the
annual target assessment of every department, the school and every village committee).

A criterion is a function registered with ``@criterion(key, label, default_weight)`` that takes
``town``, ``year`` and ``as_of`` and returns ``{unit id: fraction}``, each fraction from 0 to 1.
A unit missing from the answer is not judged by that criterion (its weight is left out of that
unit's score). The town sets the weight of each criterion per year (``CriterionWeight``); the
default weight stands where none is set.

A source that counts "done out of due" — ``{unit id: (numerator, denominator)}`` — becomes a
criterion through ``fractions_of``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.activities.models import Activity, Evidence
from communityedu.metrics.figures import figures_for
from communityedu.organization.constants import TARGET_UNIT_TYPES, UnitType
from communityedu.organization.models import Unit

FRACTION = Decimal("0.0001")

Compute = Callable[..., dict[int, Decimal]]


@dataclass(frozen=True)
class Criterion:
    key: str
    label: object
    default_weight: Decimal
    compute: Compute


CRITERIA: dict[str, Criterion] = {}


def criterion(key: str, label, *, default_weight: str) -> Callable[[Compute], Compute]:
    """Register ``compute(*, town, year, as_of) -> {unit id: fraction 0..1}`` under ``key``."""

    def register(compute: Compute) -> Compute:
        CRITERIA[key] = Criterion(key=key, label=label, default_weight=Decimal(default_weight), compute=compute)
        return compute

    return register


def fraction(numerator, denominator) -> Decimal:
    """numerator ÷ denominator as a fraction from 0 to 1 (4 decimals); nothing due counts as 0."""
    if not denominator:
        return Decimal("0.0000")
    value = Decimal(numerator) / Decimal(denominator)
    return min(Decimal(1), max(Decimal(0), value)).quantize(FRACTION, rounding=ROUND_HALF_UP)


def fractions_of(counts: dict[int, tuple[int, int]]) -> dict[int, Decimal]:
    """``{unit id: (done, due)}`` as ``{unit id: fraction}``."""
    return {unit_id: fraction(done, due) for unit_id, (done, due) in counts.items()}


def assessed_units(town):
    """The units assessed: every department (party/government organs and mass organisations), the
    school and every village committee."""
    return Unit.objects.filter(town=town, unit_type__in=TARGET_UNIT_TYPES).select_related("village")


def _window(year: int, as_of: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    last = min(as_of, date(year, 12, 31))
    return datetime.combine(date(year, 1, 1), time.min, tz), datetime.combine(last, time.max, tz)


def activity_counts(*, town, year: int, as_of: date) -> dict[int, tuple[int, int]]:
    """Per assessed unit: (activities held with evidence, activities held) in ``year`` up to
    ``as_of``. A unit's activities are those it organised; a village committee's also those held
    in its village or organised by its village's learning centre. Cancelled ones do not count."""
    start, end = _window(year, as_of)
    live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
    held = (
        Activity.objects.filter(town=town, is_cancelled=False, starts_at__gte=start, ends_at__lte=end)
        .annotate(has_evidence=Exists(live_evidence))
        .values("pk", "organiser_id", "organiser__unit_type", "organiser__village_id", "village_id", "has_evidence")
    )
    units = list(assessed_units(town))
    committee_of_village = {
        unit.village_id: unit.pk for unit in units if unit.unit_type == UnitType.VILLAGE_COMMITTEE and unit.village_id
    }
    assessed = {unit.pk for unit in units}
    activities_of: dict[int, dict[int, bool]] = defaultdict(dict)
    for row in held:
        owners = set()
        if row["organiser_id"] in assessed:
            owners.add(row["organiser_id"])
        if row["village_id"] in committee_of_village:
            owners.add(committee_of_village[row["village_id"]])
        if (
            row["organiser__unit_type"] == UnitType.LEARNING_CENTRE
            and row["organiser__village_id"] in committee_of_village
        ):
            owners.add(committee_of_village[row["organiser__village_id"]])
        for owner in owners:
            activities_of[owner][row["pk"]] = row["has_evidence"]
    return {unit.pk: (sum(activities_of[unit.pk].values()), len(activities_of[unit.pk])) for unit in units}


@criterion("activities_with_evidence", _("activities held with evidence"), default_weight="40")
def activities_with_evidence(*, town, year: int, as_of: date) -> dict[int, Decimal]:
    """Activities held with evidence ÷ activities held; a unit that held none scores 0."""
    return fractions_of(activity_counts(town=town, year=year, as_of=as_of))


@criterion("village_participation", _("participation of its residents (village committees)"), default_weight="30")
def village_participation(*, town, year: int, as_of: date) -> dict[int, Decimal]:
    """A village committee's village: its participation rate ÷ its own participation target, at
    most 1, read from the participation figure of ``metrics`` (never recomputed here)."""
    participation = next(
        figure
        for figure in figures_for(towns=[town], year=year, as_of=as_of, detail_town_ids=[])[town.pk]
        if figure.key == "participation"
    )
    lines = {line.key: line for line in participation.villages}
    result = {}
    for unit in assessed_units(town).filter(unit_type=UnitType.VILLAGE_COMMITTEE):
        line = lines.get(unit.village_id)
        if line is None or line.value is None or not line.target:
            result[unit.pk] = Decimal("0.0000")
        else:
            result[unit.pk] = fraction(line.value * 10000, line.target * 10000)
    return result


# Tasks done on time and meeting attendance come from the planning app's selectors, each
# ``{unit id: (numerator, denominator)}``; a unit with no task due (or no invitation) is not judged
# on that criterion.


@criterion("tasks_on_time", _("tasks done on time"), default_weight="20")
def tasks_on_time(*, town, year: int, as_of: date) -> dict[int, Decimal]:
    from communityedu.planning.selectors import unit_task_record

    return fractions_of(unit_task_record(town, year, as_of))


@criterion("meeting_attendance", _("meeting attendance"), default_weight="10")
def meeting_attendance(*, town, year: int, as_of: date) -> dict[int, Decimal]:
    from communityedu.planning.selectors import unit_meeting_attendance

    return fractions_of(unit_meeting_attendance(town, year, as_of))
