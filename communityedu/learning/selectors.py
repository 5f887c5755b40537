"""Reads of the resource library, the search, and residents' progress."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Max, QuerySet, Sum, Value, When
from django.shortcuts import get_object_or_404

from communityedu.learning.models import Category, Progress, Resource, SearchTerm
from communityedu.learning.permissions import TOWN_LIBRARIANS, UNIT_LIBRARIANS
from communityedu.learning.search import query_terms
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town
    from communityedu.people.models import Person

SEARCH_LIMIT = 50


def _readable_town_ids(user: User) -> frozenset[int] | None:
    scope = scope_for(user)
    return None if scope.is_system_admin else scope.readable_town_ids


def published_resources_for(user: User) -> QuerySet[Resource]:
    """The published resources of the towns ``user`` reads."""
    if not user.is_authenticated:
        return Resource.objects.none()
    resources = Resource.objects.filter(is_published=True)
    town_ids = _readable_town_ids(user)
    return resources if town_ids is None else resources.filter(town_id__in=town_ids)


def get_published_resource_for(user: User, pk: int) -> Resource:
    return get_object_or_404(published_resources_for(user).select_related("category", "owner_unit", "town"), pk=pk)


def resources_kept_by(user: User, town: Town) -> QuerySet[Resource]:
    """Every resource (published or not) of ``town`` that ``user`` keeps."""
    scope = scope_for(user)
    resources = Resource.objects.filter(town=town).select_related("category", "owner_unit")
    if town.pk in scope.towns_with(*TOWN_LIBRARIANS):
        return resources
    return resources.filter(owner_unit_id__in=scope.units_with(*UNIT_LIBRARIANS))


def get_kept_resource_for(user: User, town: Town, pk: int) -> Resource:
    return get_object_or_404(resources_kept_by(user, town), pk=pk)


def get_category_for(user: User, pk: int) -> Category:
    """A category of a town ``user`` reads."""
    categories = Category.objects.select_related("town")
    town_ids = _readable_town_ids(user)
    return get_object_or_404(categories if town_ids is None else categories.filter(town_id__in=town_ids), pk=pk)


def categories_of(town: Town) -> QuerySet[Category]:
    return Category.objects.filter(town=town)


def categories_with_counts(town: Town) -> list[Category]:
    return list(
        categories_of(town).annotate(
            published_count=Count(Case(When(resources__is_published=True, then=Value(1)), output_field=IntegerField()))
        )
    )


def newest(*, town: Town, limit: int = 8) -> list[Resource]:
    return list(
        Resource.objects.filter(town=town, is_published=True)
        .select_related("category")
        .order_by("-published_at", "-id")[:limit]
    )


def most_viewed(*, town: Town, limit: int = 8) -> list[Resource]:
    return list(
        Resource.objects.filter(town=town, is_published=True)
        .select_related("category")
        .order_by("-view_count", "-published_at", "-id")[:limit]
    )


def in_category(*, town: Town, category: Category) -> QuerySet[Resource]:
    return (
        Resource.objects.filter(town=town, is_published=True, category=category)
        .select_related("category")
        .order_by("-published_at", "-id")
    )


def search(*, town: Town, query: str, limit: int = SEARCH_LIMIT) -> list[Resource]:
    """Published resources of ``town`` matching ``query``: more matched terms first, then more of
    them in the title, then the newest. Answered from the term index; only the page of results is
    read from the resources."""
    wanted = query_terms(query)
    if not wanted.terms:
        return []
    ranked = list(
        SearchTerm.objects.filter(town=town, term__in=wanted.terms)
        .values("resource_id")
        .annotate(
            matched=Count("term"),
            title_matched=Sum(Case(When(in_title=True, then=Value(1)), default=Value(0), output_field=IntegerField())),
            recency=Max("published_at"),
        )
        .filter(matched__gte=wanted.minimum_matched)
        .order_by("-matched", "-title_matched", "-recency", "-resource_id")
        .values_list("resource_id", flat=True)[:limit]
    )
    found = Resource.objects.filter(town=town, is_published=True, pk__in=ranked).select_related("category").in_bulk()
    return [found[pk] for pk in ranked if pk in found]


def exact_title(*, town: Town, title: str) -> list[Resource]:
    """Published resources of ``town`` titled exactly ``title`` (the search benchmark's baseline)."""
    return list(
        Resource.objects.filter(town=town, title=title, is_published=True).select_related("category")[:SEARCH_LIMIT]
    )


def progress_of(*, person: Person, resource: Resource) -> Progress | None:
    return Progress.objects.filter(person=person, resource=resource).first()


def continue_learning(*, person: Person, limit: int = 5) -> list[Progress]:
    """What the resident opened and has not completed, the latest first."""
    return list(
        Progress.objects.filter(person=person, completed_at__isnull=True, resource__is_published=True)
        .select_related("resource", "resource__category")
        .order_by("-last_opened_at", "-id")[:limit]
    )


def online_learning_of(person: Person) -> dict:
    """A resident's online learning: every resource opened, the time spent and the completions."""
    rows = list(
        Progress.objects.filter(person=person)
        .select_related("resource", "resource__category")
        .order_by("-last_opened_at")
    )
    return {
        "rows": rows,
        "learning_seconds": sum(row.learning_seconds for row in rows),
        "completed": sum(1 for row in rows if row.completed_at),
        "opened": len(rows),
    }
