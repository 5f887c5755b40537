"""New towns and villages over the API: the administrator's, as the ``create_town`` command and the
towns page (``organization.services.add_town`` and ``add_village``)."""

from __future__ import annotations

from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ErrorOut
from communityedu.api.types import PlanDate, Title
from communityedu.organization import services
from communityedu.organization.models import Village
from communityedu.organization.permissions import is_system_admin

router = ListRouter(tags=["organization"])


class NewVillageIn(Schema):
    name: Title(50)
    code: str = Field("", max_length=12, description="12 digits, or empty")


class NewTownIn(Schema):
    slug: str = Field(..., max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="Used in addresses, e.g. nantuo")
    name: Title(50)
    code: str = Field("", max_length=9, description="9 digits, or empty")
    district_code: str = Field(..., max_length=6, description="6 digits, e.g. 500102")
    district_name: str = Field("", max_length=50, description="Needed if the district is new")
    programme_start: PlanDate | None = None
    villages: list[NewVillageIn] = Field(default_factory=list, max_length=500)


class NewTownOut(Schema):
    slug: str
    name: str
    code: str
    district_code: str = Field(..., alias="district.code")
    villages: list[str]

    @staticmethod
    def resolve_villages(obj):
        return list(Village.objects.filter(town=obj).order_by("code", "name").values_list("name", flat=True))


class NewVillageOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    name: str
    code: str
    kind: str


def _require_administrator(request) -> None:
    if not is_system_admin(request.user):
        raise HttpError(403, "Only a system administrator adds towns and villages")


# Registered by api.py beside ``GET /towns`` (one path belongs to one router).
def create_town(request, body: NewTownIn):
    """A new town with its villages, each with a learning centre and a committee; 400 naming the
    field if the slug is taken or a code is not an administrative code."""
    _require_administrator(request)
    town = services.add_town(
        actor=request.user,
        district_code=body.district_code,
        district_name=body.district_name,
        slug=body.slug,
        name=body.name,
        code=body.code,
        villages=[(village.name, village.code) for village in body.villages],
        programme_start=body.programme_start,
    )
    return Status(201, town)


@router.post("/towns/{slug}/villages", response={201: NewVillageOut, 400: ErrorOut})
def create_village(request, slug: str, body: NewVillageIn):
    """A new village or community of the town (a name ending in 社区 makes a community), with its
    learning centre and committee."""
    _require_administrator(request)
    village = services.add_village(town=town_for(request, slug), actor=request.user, name=body.name, code=body.code)
    return Status(201, village)
