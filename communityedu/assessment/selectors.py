"""Reads of the assessment: the basic conditions and what is missing, the indicator tree scored
for a year as of a date (what the self-assessment page, the API and the evaluation dossier show),
and the annual unit assessment.

``scored_tree`` is the one reading of the scores: automatic leaves take the figure of ``metrics``
for the same year and ``as_of`` that the targets dashboard shows (never recomputed here), or the
completeness of the basic conditions; manual leaves take the latest manual score of the
self-assessment of that year, whatever the date (manual scores belong to the year: ``as_of`` moves
the automatic figures only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from communityedu.assessment.constants import CONDITION_UNIT_TYPES, ConditionItem, ScoringMethod, ScoringRule
from communityedu.assessment.criteria import CRITERIA, assessed_units
from communityedu.assessment.models import (
    CriterionWeight,
    EvidenceFile,
    Indicator,
    IndicatorSystem,
    ManualScore,
    SelfAssessment,
    UnitConditions,
)
from communityedu.assessment.permissions import can_read, manager_town_ids, own_condition_unit_ids, reader_town_ids
from communityedu.core.money import format_yuan
from communityedu.incentives.models import DEFAULT_ASSESSMENT_TOTAL, EmployerAssessment
from communityedu.metrics.assessment_share import assessment_share
from communityedu.metrics.base import Figure
from communityedu.metrics.figures import figures_for
from communityedu.organization.models import Town, Unit
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from communityedu.accounts.models import User

POINTS = Decimal("0.01")
# Community education's share of a unit's annual target assessment (REQUIREMENTS R8).


def _points(value: Decimal) -> Decimal:
    return value.quantize(POINTS, rounding=ROUND_HALF_UP)


# ---- basic conditions ----------------------------------------------------------------------------


@dataclass
class ConditionsLine:
    unit: Unit
    conditions: UnitConditions | None
    files: dict[str, list[EvidenceFile]]
    # item -> "complete", "no value", "no evidence"
    states: dict[str, str]

    @property
    def complete_items(self) -> int:
        return sum(state == "complete" for state in self.states.values())

    @property
    def missing(self) -> list[str]:
        return [item for item, state in self.states.items() if state != "complete"]


@dataclass
class ConditionsOverview:
    year: int
    lines: list[ConditionsLine]

    def complete(self, item: str | None = None) -> int:
        if item:
            return sum(line.states[item] == "complete" for line in self.lines)
        return sum(line.complete_items for line in self.lines)

    def due(self, item: str | None = None) -> int:
        return len(self.lines) * (1 if item else len(ConditionItem.values))

    @property
    def units_with_gaps(self) -> int:
        return sum(bool(line.missing) for line in self.lines)


def conditions_overview(*, town: Town, year: int, unit_ids: Iterable[int] | None = None) -> ConditionsOverview:
    """The basic conditions of the community school and every learning centre of ``town`` for
    ``year``: each item complete (a value and at least one live file), without a value, or without
    evidence. Three queries whatever the number of units."""
    unit_rows = Unit.objects.filter(town=town, unit_type__in=CONDITION_UNIT_TYPES).select_related("village")
    if unit_ids is not None:
        unit_rows = unit_rows.filter(pk__in=unit_ids)
    units = list(unit_rows.order_by("-unit_type", "village__code", "name"))
    rows = {
        row.unit_id: row
        for row in UnitConditions.objects.filter(town=town, year=year, unit__in=units).prefetch_related(
            Prefetch("files", queryset=EvidenceFile.objects.filter(is_removed=False).order_by("id"))
        )
    }
    lines = []
    for unit in units:
        row = rows.get(unit.pk)
        files: dict[str, list[EvidenceFile]] = defaultdict(list)
        for stored in row.files.all() if row else ():
            files[stored.item].append(stored)
        states = {}
        for item in ConditionItem.values:
            if row is None or not row.has_value(item):
                states[item] = "no value"
            elif not files[item]:
                states[item] = "no evidence"
            else:
                states[item] = "complete"
        lines.append(ConditionsLine(unit=unit, conditions=row, files=dict(files), states=states))
    return ConditionsOverview(year=year, lines=lines)


def condition_units_visible_to(user: User, town: Town) -> QuerySet[Unit]:
    units = Unit.objects.filter(town=town, unit_type__in=CONDITION_UNIT_TYPES)
    return units if can_read(user, town) else units.filter(pk__in=own_condition_unit_ids(user, town))


def get_condition_unit_for(user: User, town: Town, pk: int) -> Unit:
    return get_object_or_404(condition_units_visible_to(user, town).select_related("village"), pk=pk)


def evidence_files_visible_to(user: User) -> QuerySet[EvidenceFile]:
    """Files of the towns ``user`` reads whole, and of the conditions of its own centre."""
    towns = reader_town_ids(user)
    own: set[int] = set()
    for town in Town.objects.filter(pk__in=scope_for(user).unit_town_ids):
        own |= own_condition_unit_ids(user, town)
    return EvidenceFile.objects.filter(Q(town_id__in=towns) | Q(conditions__unit_id__in=own))


def get_evidence_file_for(user: User, pk: int) -> EvidenceFile:
    return get_object_or_404(evidence_files_visible_to(user).filter(is_removed=False), pk=pk)


# ---- the indicator tree --------------------------------------------------------------------------


def current_system(town: Town) -> IndicatorSystem | None:
    """The town's latest indicator version."""
    return IndicatorSystem.objects.filter(town=town).order_by("-version").first()


def systems_of(town: Town) -> QuerySet[IndicatorSystem]:
    return IndicatorSystem.objects.filter(town=town).select_related("loaded_by").order_by("-version")


def get_system_for(user: User, town: Town, version: int) -> IndicatorSystem:
    return get_object_or_404(
        IndicatorSystem.objects.filter(town=town, town_id__in=reader_town_ids(user)), version=version
    )


def get_manual_indicator_for(user: User, pk: int) -> Indicator:
    return get_object_or_404(
        Indicator.objects.filter(town_id__in=manager_town_ids(user), method=ScoringMethod.MANUAL).select_related(
            "system", "town"
        ),
        pk=pk,
    )


# Where a gap of each source is fixed (URL names of the pages that record the facts behind it).
FIX_PAGES = {
    "participation": "dashboard:targets",
    "lecture_hall": "activities:lecture-hall",
    "funding_per_capita": "funding:year",
    "learning_communities": "recognition:board",
    "learning_organs": "recognition:board",
    "demonstration_villages": "recognition:board",
    "awareness": "surveys:list",
    "recognition": "surveys:list",
    "satisfaction": "surveys:list",
}


@dataclass
class ScoredNode:
    indicator: Indicator
    score: Decimal = Decimal("0.00")
    children: list[ScoredNode] = field(default_factory=list)
    # Automatic leaves: the value read (a Figure's value, or the conditions' complete share), its
    # threshold, and what it was read from.
    value: Decimal | None = None
    threshold: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    figure: Figure | None = None
    value_display: str = ""
    threshold_display: str = ""
    # Manual leaves: the score that counts and how many were entered before it.
    manual: ManualScore | None = None
    is_scored: bool = True
    fix_page: str = ""

    @property
    def code(self) -> str:
        return self.indicator.code

    @property
    def points(self) -> Decimal:
        return self.indicator.points

    @property
    def lost(self) -> Decimal:
        return self.points - self.score

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def numerator_display(self) -> str:
        """The numerator as read: yuan for a figure's amount kept in fen (``metrics.base.Figure``)."""
        return self.figure.numerator_display if self.figure is not None else str(self.numerator)

    @property
    def denominator_display(self) -> str:
        return self.figure.denominator_display if self.figure is not None else str(self.denominator)


@dataclass
class ScoredTree:
    town: Town
    system: IndicatorSystem
    year: int
    as_of: date
    self_assessment: SelfAssessment | None
    roots: list[ScoredNode]
    nodes: list[ScoredNode]  # every node, in the sheet's order
    # The figures read for the automatic leaves, by key (empty when no leaf reads a figure).
    figures: dict[str, Figure] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((root.score for root in self.roots), Decimal("0.00"))

    @property
    def total_points(self) -> Decimal:
        return self.system.total_points

    def level_totals(self) -> list[tuple[int, Decimal, Decimal]]:
        """(level, score, points) summed over the indicators of each level."""
        totals: dict[int, list[Decimal]] = {}
        for node in self.nodes:
            pair = totals.setdefault(node.indicator.level, [Decimal("0.00"), Decimal("0.00")])
            pair[0] += node.score
            pair[1] += node.points
        return [(level, score, points) for level, (score, points) in sorted(totals.items())]

    @property
    def gaps(self) -> list[ScoredNode]:
        """Leaves that lose points, the most lost first."""
        leaves = [node for node in self.nodes if node.is_leaf and (node.lost > 0 or not node.is_scored)]
        return sorted(leaves, key=lambda node: (-node.lost, node.indicator.position))

    def node(self, code: str) -> ScoredNode:
        return next(node for node in self.nodes if node.code == code)


def _auto_points(points: Decimal, value: Decimal | None, threshold: Decimal, rule: str) -> Decimal:
    """Points earned by ``value`` against ``threshold``: all or nothing, or in proportion (capped)."""
    if value is None or threshold <= 0:
        return Decimal("0.00")
    if rule == ScoringRule.PROPORTIONAL:
        return _points(points * min(Decimal(1), value / threshold))
    return _points(points) if value >= threshold else Decimal("0.00")


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


def scored_tree(*, town: Town, year: int, as_of: date, system: IndicatorSystem | None = None) -> ScoredTree | None:
    """The indicator tree of ``system`` (default: the town's current one) scored for ``year`` as
    of ``as_of``; None when the town has no indicator system."""
    system = system or current_system(town)
    if system is None:
        return None
    indicators = list(Indicator.objects.filter(system=system).order_by("position"))
    assessment = SelfAssessment.objects.filter(town=town, system=system, year=year).first()
    latest: dict[int, ManualScore] = {}
    if assessment is not None:
        scores = (
            ManualScore.objects.filter(self_assessment=assessment)
            .select_related("scored_by")
            .prefetch_related(
                Prefetch("files", queryset=EvidenceFile.objects.filter(is_removed=False)), "activity_evidence"
            )
            .order_by("indicator_id", "-created_at", "-id")
        )
        for score in scores:
            latest.setdefault(score.indicator_id, score)
    figures: dict[str, Figure] = {}
    if any(indicator.method == ScoringMethod.FIGURE for indicator in indicators):
        computed = figures_for(towns=[town], year=year, as_of=as_of, detail_town_ids=[])[town.pk]
        figures = {figure.key: figure for figure in computed}
    conditions: ConditionsOverview | None = None  # read at the first indicator scored by conditions
    nodes = {indicator.pk: ScoredNode(indicator=indicator) for indicator in indicators}
    roots = []
    for indicator in indicators:
        node = nodes[indicator.pk]
        if indicator.parent_id:
            nodes[indicator.parent_id].children.append(node)
        else:
            roots.append(node)
        if indicator.method == ScoringMethod.FIGURE:
            figure = figures.get(indicator.source)
            node.figure = figure
            node.fix_page = FIX_PAGES.get(indicator.source, "dashboard:targets")
            if figure is not None:
                node.threshold = indicator.threshold if indicator.threshold is not None else figure.threshold
                node.value, node.numerator, node.denominator = figure.value, figure.numerator, figure.denominator
                node.value_display = figure.percent
                node.threshold_display = (
                    format_yuan(node.threshold) if figure.unit == "yuan" else _percent(node.threshold)
                )
                node.score = _auto_points(indicator.points, figure.value, node.threshold, indicator.rule)
            else:
                node.is_scored = False
        elif indicator.method == ScoringMethod.CONDITIONS:
            item = indicator.source or None
            if conditions is None:
                conditions = conditions_overview(town=town, year=year)
            node.numerator, node.denominator = conditions.complete(item), conditions.due(item)
            node.value = None if not node.denominator else Decimal(node.numerator) / Decimal(node.denominator)
            node.value = None if node.value is None else node.value.quantize(Decimal("0.0001"), ROUND_HALF_UP)
            node.threshold = indicator.threshold if indicator.threshold is not None else Decimal(1)
            node.value_display, node.threshold_display = _percent(node.value), _percent(node.threshold)
            node.score = _auto_points(indicator.points, node.value, node.threshold, indicator.rule)
            node.fix_page = "assessment:conditions"
        elif indicator.method == ScoringMethod.MANUAL:
            node.manual = latest.get(indicator.pk)
            node.is_scored = node.manual is not None
            node.score = node.manual.points if node.manual else Decimal("0.00")
            node.fix_page = "assessment:self-assessment"

    def roll_up(node: ScoredNode) -> Decimal:
        if node.children:
            node.score = sum((roll_up(child) for child in node.children), Decimal("0.00"))
            node.is_scored = all(child.is_scored for child in node.children)
        return node.score

    for root in roots:
        roll_up(root)
    return ScoredTree(
        town=town,
        system=system,
        year=year,
        as_of=as_of,
        self_assessment=assessment,
        roots=roots,
        nodes=[nodes[indicator.pk] for indicator in indicators],
        figures=figures,
    )


def manual_history(*, tree: ScoredTree) -> dict[int, list[ManualScore]]:
    """Every manual score entered for the tree's year, newest first, by indicator."""
    if tree.self_assessment is None:
        return {}
    history: dict[int, list[ManualScore]] = defaultdict(list)
    for score in (
        ManualScore.objects.filter(self_assessment=tree.self_assessment)
        .select_related("scored_by")
        .order_by("-created_at", "-id")
    ):
        history[score.indicator_id].append(score)
    return dict(history)


# ---- the annual unit assessment ------------------------------------------------------------------


def weights_of(*, town: Town, year: int) -> dict[str, Decimal]:
    """The weight of every registered criterion for ``year``: the town's, or the default."""
    stored = dict(CriterionWeight.objects.filter(town=town, year=year).values_list("criterion", "weight"))
    return {key: stored.get(key, item.default_weight) for key, item in CRITERIA.items()}


@dataclass
class UnitAssessment:
    unit: Unit
    fractions: dict[str, Decimal]  # criterion -> fraction, for the criteria that judge this unit
    score: Decimal  # 0..100, the weighted mean of the fractions
    assessment_total: Decimal  # the unit's annual target assessment total
    share: Decimal  # the points it earns of the 5% of its annual target assessment
    share_points: Decimal  # 5% of its annual target assessment: what a full score earns
    rank: int = 0


def unit_assessment(
    *, town: Town, year: int, as_of: date, unit_ids: Iterable[int] | None = None
) -> list[UnitAssessment]:
    """Every assessed unit's community-education score for ``year`` as of ``as_of``, ranked.

    score = 100 × Σ weight × fraction ÷ Σ weight over the criteria that judge the unit;
    share = score ÷ 100 × 5% × the unit's annual target assessment total (100 when none is set),
    rounded half up to 0.01 — scaled by ``metrics.assessment_share``."""
    weights = weights_of(town=town, year=year)
    fractions: dict[str, dict[int, Decimal]] = {
        key: item.compute(town=town, year=year, as_of=as_of) for key, item in CRITERIA.items()
    }
    totals = dict(EmployerAssessment.objects.filter(town=town, year=year).values_list("employer_id", "total"))
    result = []
    for unit in assessed_units(town).order_by("unit_type", "name"):
        judged = {key: values[unit.pk] for key, values in fractions.items() if unit.pk in values}
        weight_sum = sum((weights[key] for key in judged), Decimal("0"))
        mean = (
            sum((weights[key] * value for key, value in judged.items()), Decimal("0")) / weight_sum
            if weight_sum
            else Decimal("0")
        )
        assessment_total = Decimal(totals.get(unit.pk, DEFAULT_ASSESSMENT_TOTAL))
        share, share_points = assessment_share(mean, assessment_total)
        result.append(
            UnitAssessment(
                unit=unit,
                fractions=judged,
                score=_points(mean * 100),
                assessment_total=assessment_total,
                share=share,
                share_points=share_points,
            )
        )
    result.sort(key=lambda line: (-line.score, line.unit.name))
    rank, previous = 0, None
    for position, line in enumerate(result, start=1):
        if line.score != previous:
            rank, previous = position, line.score
        line.rank = rank
    if unit_ids is not None:
        result = [line for line in result if line.unit.pk in unit_ids]
    return result
