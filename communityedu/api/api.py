"""The JSON API at /api/v1/: thin over selectors, scoped by the same gates as the pages.

Pages' sessions (with CSRF) and devices' bearer tokens both authenticate; the bearer token is
resolved by ``BearerTokenMiddleware`` so both arrive here as ``request.user``.
"""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import APIKeyCookie, HttpBearer

from communityedu.organization import permissions
from communityedu.organization.selectors import towns_visible_to, units_visible_to, villages_visible_to
from communityedu.people.selectors import can_read_register, people_visible_to


class SessionAuth(APIKeyCookie):
    """The signed-in page session (CSRF-checked for unsafe methods)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return request.user if request.user.is_authenticated else None


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` from ``manage.py create_api_token``."""

    def authenticate(self, request, token):
        return request.user if request.user.is_authenticated else None


api = NinjaAPI(
    title="Community education API",
    version="1",
    description="Read and write the town's community-education records. Every call is scoped to what the caller may see.",
    auth=[SessionAuth(), BearerAuth()],
    urls_namespace="api",
)


class DistrictOut(Schema):
    code: str
    name: str


class TownOut(Schema):
    slug: str
    name: str
    code: str
    district: DistrictOut
    programme_start: date | None


class PopulationOut(Schema):
    year: int
    resident_population: int


class VillageOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    code: str
    kind: str
    populations: list[PopulationOut]

    @staticmethod
    def resolve_populations(obj):
        return [PopulationOut(year=p.year, resident_population=p.resident_population) for p in obj.populations.all()]


class UnitOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    unit_type: str
    parent_id: int | None
    village_id: int | None
    is_leadership_member: bool
    aliases: list[str]
    duties: list[str]

    @staticmethod
    def resolve_aliases(obj):
        return [a.name for a in obj.aliases.all()]

    @staticmethod
    def resolve_duties(obj):
        return [d.text for d in obj.duties.all()]


class PersonOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    sex: str
    birth_year: int | None
    village_id: int | None
    village: str | None
    village_group: str

    @staticmethod
    def resolve_birth_year(obj):
        return obj.birth_date.year if obj.birth_date else None

    @staticmethod
    def resolve_village(obj):
        return obj.village.name if obj.village else None


def _town(request, slug: str):
    return get_object_or_404(towns_visible_to(request.user), slug=slug)


@api.get("/towns", response=list[TownOut], tags=["organization"])
def list_towns(request):
    return list(towns_visible_to(request.user))


@api.get("/towns/{slug}", response=TownOut, tags=["organization"])
def get_town(request, slug: str):
    return _town(request, slug)


@api.get("/villages", response=list[VillageOut], tags=["organization"])
@paginate(LimitOffsetPagination)
def list_villages(request, town: str):
    if not permissions.can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return (
        villages_visible_to(request.user)
        .filter(town=_town(request, town))
        .select_related("town")
        .prefetch_related("populations")
        .order_by("code", "name")
    )


@api.get("/units", response=list[UnitOut], tags=["organization"])
@paginate(LimitOffsetPagination)
def list_units(request, town: str, unit_type: str | None = None):
    if not permissions.can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    units = units_visible_to(request.user).filter(town=_town(request, town))
    if unit_type:
        units = units.filter(unit_type=unit_type)
    return units.select_related("town").prefetch_related("aliases", "duties").order_by("unit_type", "name")


@api.get("/people", response=list[PersonOut], tags=["people"])
@paginate(LimitOffsetPagination)
def list_people(request, town: str, village_id: int | None = None):
    if not can_read_register(request.user):
        raise HttpError(403, "Not allowed")
    people = people_visible_to(request.user).filter(town=_town(request, town))
    if village_id is not None:
        people = people.filter(village_id=village_id)
    return people.select_related("town", "village").order_by("id")


@api.get("/people/{person_id}", response=PersonOut, tags=["people"])
def get_person(request, person_id: int):
    if not can_read_register(request.user):
        raise HttpError(403, "Not allowed")
    return get_object_or_404(people_visible_to(request.user).select_related("town", "village"), pk=person_id)
