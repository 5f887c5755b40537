"""Reads for the organisation domain, each through the account's scope."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from communityedu.organization.models import Position, Town, Unit, UnitAlias, UnitDuty, Village, VillagePopulation
from communityedu.organization.permissions import can_view_structure, is_system_admin
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.organization.scope import Account


def towns_visible_to(user: Account) -> QuerySet[Town]:
    if is_system_admin(user):
        return Town.objects.select_related("district")
    return Town.objects.filter(pk__in=scope_for(user).readable_town_ids).select_related("district")


def _structure_town_ids(user: Account) -> frozenset[int] | None:
    """Towns whose structure the account may read; None means every town (administrators)."""
    if not can_view_structure(user):
        return frozenset()
    if is_system_admin(user):
        return None
    return scope_for(user).readable_town_ids


def _in_structure_towns(queryset: QuerySet, user: Account) -> QuerySet:
    town_ids = _structure_town_ids(user)
    return queryset if town_ids is None else queryset.filter(town_id__in=town_ids)


def villages_visible_to(user: Account) -> QuerySet[Village]:
    return _in_structure_towns(Village.objects.all(), user)


def units_visible_to(user: Account) -> QuerySet[Unit]:
    return _in_structure_towns(Unit.objects.all(), user)


def village_list(*, user: Account, town: Town) -> list[Village]:
    """The villages of ``town`` with their populations, newest year first, in two queries."""
    return list(
        villages_visible_to(user)
        .filter(town=town)
        .prefetch_related(Prefetch("populations", queryset=VillagePopulation.objects.order_by("-year")))
    )


def population_years(villages: list[Village]) -> list[int]:
    return sorted({p.year for v in villages for p in v.populations.all()}, reverse=True)


def get_village_for(user: Account, pk: int) -> Village:
    return get_object_or_404(villages_visible_to(user).select_related("town"), pk=pk)


def unit_list(*, user: Account, town: Town) -> list[Unit]:
    return list(
        units_visible_to(user)
        .filter(town=town)
        .select_related("village", "parent")
        .prefetch_related(Prefetch("aliases", queryset=UnitAlias.objects.order_by("name")))
    )


def get_unit_for(user: Account, pk: int) -> Unit:
    return get_object_or_404(
        units_visible_to(user)
        .select_related("town", "village", "parent")
        .prefetch_related(
            Prefetch("aliases", queryset=UnitAlias.objects.order_by("name")),
            Prefetch("duties", queryset=UnitDuty.objects.order_by("position", "id")),
            Prefetch("positions", queryset=Position.objects.select_related("person").order_by("position", "id")),
            "children",
        ),
        pk=pk,
    )


def town_population(*, town: Town, year: int) -> int:
    from django.db.models import Sum

    return (
        VillagePopulation.objects.filter(town=town, year=year).aggregate(total=Sum("resident_population"))["total"] or 0
    )
