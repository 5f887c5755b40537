"""Reads of recognition: each village's and organ's status on a date, and their history.

The rates (learning-community creation rate, learning-organ rate, demonstration villages) are
figures of the plan, computed in ``metrics.recognition_figures`` from these reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.organization.constants import UnitCategory
from communityedu.organization.models import Town, Unit, Village
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.recognition.models import StatusChange
from communityedu.recognition.permissions import recognition_reader_town_ids

if TYPE_CHECKING:
    from communityedu.accounts.models import User


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


def _latest_changes(town: Town, as_of: date) -> dict[tuple[str, int | None], StatusChange]:
    """The latest change on or before ``as_of`` per (track, village or unit id); one query."""
    latest: dict[tuple[str, int | None], StatusChange] = {}
    changes = (
        StatusChange.objects.filter(town=town, effective_on__lte=as_of)
        .select_related("recorded_by")
        .order_by("effective_on", "id")
    )
    for change in changes:
        latest[(change.track, change.village_id or change.unit_id)] = change
    return latest


def organs_of(town: Town) -> QuerySet[Unit]:
    """The units the town classifies as party and government organs (``Unit.category``), whatever their type."""
    return Unit.objects.filter(town=town, category=UnitCategory.PARTY_GOVERNMENT_ORGAN).order_by("name")


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


def history(*, town: Town, as_of: date | None = None) -> list[StatusChange]:
    """Every status change of ``town`` up to ``as_of``, latest first: the record behind the board."""
    changes = StatusChange.objects.filter(town=town)
    if as_of is not None:
        changes = changes.filter(effective_on__lte=as_of)
    return list(changes.select_related("village", "unit", "recorded_by").order_by("-effective_on", "-id"))


def get_change_with_evidence_for(user: User, pk: int) -> StatusChange:
    """A status change with evidence, of a town whose recognition ``user`` may read."""
    changes = StatusChange.objects.filter(town_id__in=recognition_reader_town_ids(user)).exclude(evidence_file="")
    return get_object_or_404(changes, pk=pk)
