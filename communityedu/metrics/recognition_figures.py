"""The recognition figures (docs/design.md, "The figures"), by the status in force on the day:
the learning-community creation rate, the learning-organ rate and the demonstration villages.
``recognition_rates_of_towns``: three queries each, for any number of towns; ``recognition_rates``
and ``rates_of`` give the same for one town's board, which the recognition page and API show."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.metrics.base import FIGURES, Figure, Line, Status, deadline_for, effective_as_of, figure, shared
from communityedu.organization.constants import UnitCategory
from communityedu.organization.models import Town, Unit, Village
from communityedu.recognition.constants import DEMONSTRATION_TARGET, RecognitionStatus, Track
from communityedu.recognition.models import StatusChange
from communityedu.recognition.selectors import RecognitionBoard, recognition_board

# REQUIREMENTS R6: "learning-community creation rate (学习型社区创建率) ≥ 70%, Dec 2020".
LEARNING_COMMUNITY_THRESHOLD = Decimal("0.70")
# REQUIREMENTS R6: "learning party/government organ creation rate (学习型党政机关创建率) ≥ 80%, end 2020".
LEARNING_ORGAN_THRESHOLD = Decimal("0.80")
# REQUIREMENTS R2 / R7 phase 3: two demonstration villages/communities (示范社区（村）2个); the
# figure is those recognised ÷ the two asked, met at 1.
DEMONSTRATION_THRESHOLD = Decimal("1")


@dataclass(frozen=True)
class Ratio:
    recognised: int
    total: int

    @property
    def rate(self) -> Decimal | None:
        """The share recognised, in per cent with one decimal (None when there is nothing to count)."""
        if not self.total:
            return None
        return (Decimal(100 * self.recognised) / self.total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CountedOrgan:
    """A unit counted in the learning-organ rate's denominator (classified 党政机关) and whether it is recognised."""

    unit_id: int
    name: str
    is_recognised: bool


@dataclass(frozen=True)
class RecognitionFigures:
    as_of: date
    learning_communities: Ratio
    learning_organs: Ratio
    demonstration_villages: int
    # The units the learning-organ rate counts, by name (the town's classification, Unit.category).
    organs: tuple[CountedOrgan, ...] = ()


def recognition_rates(*, town: Town, as_of: date | None = None) -> RecognitionFigures:
    """Villages/communities recognised as learning communities ÷ all of them; party/government
    organs recognised as learning organs ÷ all of them; demonstration villages recognised — each
    by the status in force on ``as_of`` (default today)."""
    return rates_of(recognition_board(town=town, as_of=as_of))


def rates_of(board: RecognitionBoard) -> RecognitionFigures:
    """The rates of a board already read."""
    return RecognitionFigures(
        as_of=board.as_of,
        learning_communities=Ratio(
            recognised=sum(row.learning_community.is_recognised for row in board.villages), total=len(board.villages)
        ),
        learning_organs=Ratio(
            recognised=sum(row.learning_organ.is_recognised for row in board.organs), total=len(board.organs)
        ),
        demonstration_villages=sum(row.demonstration.is_recognised for row in board.villages),
        organs=tuple(
            CountedOrgan(unit_id=row.unit.pk, name=row.unit.name, is_recognised=row.learning_organ.is_recognised)
            for row in board.organs
        ),
    )


def recognition_rates_of_towns(*, town_ids: Iterable[int], as_of: date | None = None) -> dict[int, RecognitionFigures]:
    """``recognition_rates`` of many towns at once, by town id, with the same rules (the status
    in force on ``as_of`` of each village/community and each party/government organ): three
    queries (the villages, the organs, the changes up to ``as_of``) whatever the number of towns."""
    as_of = as_of or timezone.localdate()
    town_ids = list(town_ids)
    villages: dict[int, set[int]] = {town_id: set() for town_id in town_ids}
    for town_id, village_id in Village.objects.filter(town_id__in=town_ids).order_by().values_list("town_id", "pk"):
        villages[town_id].add(village_id)
    organs: dict[int, set[int]] = {town_id: set() for town_id in town_ids}
    organ_names: dict[int, list[tuple[str, int]]] = {town_id: [] for town_id in town_ids}
    # The town's own classification (Unit.category), not the unit type: a 教育管理中心 working beside
    # the organs is a public institution (事业单位) and is not counted.
    units = Unit.objects.filter(town_id__in=town_ids, category=UnitCategory.PARTY_GOVERNMENT_ORGAN)
    for town_id, unit_id, name in units.values_list("town_id", "pk", "name").order_by("name"):
        organs[town_id].add(unit_id)
        organ_names[town_id].append((name, unit_id))
    latest: dict[tuple[int, str, int], str] = {}
    changes = (
        StatusChange.objects.filter(town_id__in=town_ids, effective_on__lte=as_of)
        .order_by("effective_on", "id")
        .values_list("town_id", "track", "village_id", "unit_id", "status")
    )
    for town_id, track, village_id, unit_id, status in changes:
        latest[(town_id, track, village_id or unit_id)] = status

    def recognised(town_id: int, track: str, ids: set[int]) -> int:
        return sum(latest.get((town_id, track, pk)) == RecognitionStatus.RECOGNISED for pk in ids)

    return {
        town_id: RecognitionFigures(
            as_of=as_of,
            learning_communities=Ratio(
                recognised=recognised(town_id, Track.LEARNING_COMMUNITY, villages[town_id]),
                total=len(villages[town_id]),
            ),
            learning_organs=Ratio(
                recognised=recognised(town_id, Track.LEARNING_ORGAN, organs[town_id]), total=len(organs[town_id])
            ),
            demonstration_villages=recognised(town_id, Track.DEMONSTRATION, villages[town_id]),
            organs=tuple(
                CountedOrgan(
                    unit_id=unit_id,
                    name=name,
                    is_recognised=latest.get((town_id, Track.LEARNING_ORGAN, unit_id)) == RecognitionStatus.RECOGNISED,
                )
                for name, unit_id in organ_names[town_id]
            ),
        )
        for town_id in town_ids
    }


def _rates(towns: list[Town], year: int, as_of: date) -> dict[int, RecognitionFigures]:
    town_ids, cut = [town.pk for town in towns], effective_as_of(year, as_of)
    return shared(
        ("recognition_rates", tuple(town_ids), cut), lambda: recognition_rates_of_towns(town_ids=town_ids, as_of=cut)
    )


def _figure(
    key: str,
    town: Town,
    *,
    year: int,
    as_of: date,
    numerator: int,
    denominator: int,
    threshold: Decimal,
    beside: dict | None = None,
    lines: list[Line] | None = None,
) -> Figure:
    return Figure(
        key=key,
        label=str(FIGURES[key][0]),
        town_id=town.pk,
        year=year,
        as_of=as_of,
        numerator=numerator,
        denominator=denominator,
        threshold=threshold,
        deadline=deadline_for(town, year),
        beside=beside or {},
        villages=lines or [],
    )


@figure("learning_communities", _("learning-community creation rate"))
def learning_communities(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Villages/communities recognised as learning communities (学习型社区) ÷ all of them."""
    rates = _rates(towns, year, as_of)
    return {
        town.pk: _figure(
            "learning_communities",
            town,
            year=year,
            as_of=as_of,
            numerator=rates[town.pk].learning_communities.recognised,
            denominator=rates[town.pk].learning_communities.total,
            threshold=LEARNING_COMMUNITY_THRESHOLD,
        )
        for town in towns
    }


@figure("learning_organs", _("learning party/government organ creation rate"))
def learning_organs(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Party/government organs recognised as learning organs (学习型党政机关) ÷ all of them. Which
    units are party and government organs is the town's own classification (``Unit.category``,
    党政机关), not the unit type; the units counted are shown beside the figure (``counted_units``)
    and as its lines (1 recognised, 0 not)."""
    rates = _rates(towns, year, as_of)
    result = {}
    for town in towns:
        organs = rates[town.pk].organs
        lines = [
            Line(
                key=organ.unit_id,
                label=organ.name,
                numerator=int(organ.is_recognised),
                denominator=1,
                value=Decimal(int(organ.is_recognised)),
                status=Status.MET if organ.is_recognised else "",
            )
            for organ in organs
        ]
        result[town.pk] = _figure(
            "learning_organs",
            town,
            year=year,
            as_of=as_of,
            numerator=rates[town.pk].learning_organs.recognised,
            denominator=rates[town.pk].learning_organs.total,
            threshold=LEARNING_ORGAN_THRESHOLD,
            beside={
                "counted_units": [organ.name for organ in organs],
                "lines_label": str(_("Units classified as party and government organs (党政机关)")),
            },
            lines=lines,
        )
    return result


@figure("demonstration_villages", _("demonstration villages/communities recognised (of the two asked)"))
def demonstration_villages(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Villages/communities recognised as demonstration villages ÷ the plan's two."""
    rates = _rates(towns, year, as_of)
    return {
        town.pk: _figure(
            "demonstration_villages",
            town,
            year=year,
            as_of=as_of,
            numerator=rates[town.pk].demonstration_villages,
            denominator=DEMONSTRATION_TARGET,
            threshold=DEMONSTRATION_THRESHOLD,
            beside={"recognised": rates[town.pk].demonstration_villages},
        )
        for town in towns
    }
