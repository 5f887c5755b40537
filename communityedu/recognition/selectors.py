"""Reads of recognition: each village's and organ's status on a date, and the rates.

``recognition_rates`` gives the learning-community creation rate, the learning-organ rate and
the count of demonstration villages (docs/design.md, "The figures"), as of a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.organization.constants import UnitType
from communityedu.organization.models import Town, Unit, Village
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.recognition.models import StatusChange
from communityedu.recognition.permissions import recognition_reader_town_ids


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
class RecognitionFigures:
    as_of: date
    learning_communities: Ratio
    learning_organs: Ratio
    demonstration_villages: int


@dataclass(frozen=True)
class Standing:
    """A village's or organ's status on one track as of a date: its latest change, if any."""

    track: str
    change: StatusChange | None

    @property
    def status(self) -> str:
        return self.change.status if self.change else RecognitionStatus.NOT_STARTED

    @property
    def status_label(self) -> str:
        return str(RecognitionStatus(self.status).label)

    @property
    def is_recognised(self) -> bool:
        return self.status == RecognitionStatus.RECOGNISED


@dataclass(frozen=True)
class VillageRow:
    village: Village
    learning_community: Standing
    demonstration: Standing


@dataclass(frozen=True)
class OrganRow:
    unit: Unit
    learning_organ: Standing


@dataclass(frozen=True)
class RecognitionBoard:
    as_of: date
    villages: list[VillageRow]
    organs: list[OrganRow]


def _latest_changes(town: Town, as_of: date) -> dict[tuple[str, int], StatusChange]:
    """The latest change on or before ``as_of`` per (track, village or unit id); one query."""
    latest: dict[tuple[str, int], StatusChange] = {}
    changes = (
        StatusChange.objects.filter(town=town, effective_on__lte=as_of)
        .select_related("recorded_by")
        .order_by("effective_on", "id")
    )
    for change in changes:
        latest[(change.track, change.village_id or change.unit_id)] = change
    return latest


def organs_of(town: Town) -> QuerySet[Unit]:
    return Unit.objects.filter(town=town, unit_type=UnitType.PARTY_GOVERNMENT_ORGAN).order_by("name")


def recognition_board(*, town: Town, as_of: date | None = None) -> RecognitionBoard:
    """Every village/community and every party/government organ of ``town`` with its status as of
    ``as_of`` (default today). Three queries."""
    as_of = as_of or timezone.localdate()
    latest = _latest_changes(town, as_of)
    villages = [
        VillageRow(
            village=village,
            learning_community=Standing(Track.LEARNING_COMMUNITY, latest.get((Track.LEARNING_COMMUNITY, village.pk))),
            demonstration=Standing(Track.DEMONSTRATION, latest.get((Track.DEMONSTRATION, village.pk))),
        )
        for village in Village.objects.filter(town=town).order_by("code", "name")
    ]
    organs = [
        OrganRow(unit=unit, learning_organ=Standing(Track.LEARNING_ORGAN, latest.get((Track.LEARNING_ORGAN, unit.pk))))
        for unit in organs_of(town)
    ]
    return RecognitionBoard(as_of=as_of, villages=villages, organs=organs)


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
    )


def history(*, town: Town, as_of: date | None = None) -> list[StatusChange]:
    """Every status change of ``town`` up to ``as_of``, latest first: the record behind the board."""
    changes = StatusChange.objects.filter(town=town)
    if as_of is not None:
        changes = changes.filter(effective_on__lte=as_of)
    return list(changes.select_related("village", "unit", "recorded_by").order_by("-effective_on", "-id"))


def get_change_with_evidence_for(user, pk: int) -> StatusChange:
    """A status change with evidence, of a town whose recognition ``user`` may read."""
    changes = StatusChange.objects.filter(town_id__in=recognition_reader_town_ids(user)).exclude(evidence_file="")
    return get_object_or_404(changes, pk=pk)


def recognition_rates_of_towns(*, town_ids, as_of: date | None = None) -> dict[int, RecognitionFigures]:
    """``recognition_rates`` of many towns at once, by town id, with the same rules (the status
    in force on ``as_of`` of each village/community and each party/government organ): three
    queries (the villages, the organs, the changes up to ``as_of``) whatever the number of towns."""
    as_of = as_of or timezone.localdate()
    town_ids = list(town_ids)
    villages: dict[int, set[int]] = {town_id: set() for town_id in town_ids}
    for town_id, village_id in Village.objects.filter(town_id__in=town_ids).values_list("town_id", "pk"):
        villages[town_id].add(village_id)
    organs: dict[int, set[int]] = {town_id: set() for town_id in town_ids}
    units = Unit.objects.filter(town_id__in=town_ids, unit_type=UnitType.PARTY_GOVERNMENT_ORGAN)
    for town_id, unit_id in units.values_list("town_id", "pk"):
        organs[town_id].add(unit_id)
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
        )
        for town_id in town_ids
    }
