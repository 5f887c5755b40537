"""The learning library over the API: resources, the Chinese search, and a resident's progress.

Readers (anyone signed in to a town) list, open and search its published resources; the units
that keep the library create them (articles and links here; files are uploaded on the pages);
a resident reads and reports their own progress, which the player on the page does too.
"""

from __future__ import annotations

import json
from datetime import datetime

from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, error_responses, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Count, Id, Text, Title, TownSlug
from communityedu.core import ratelimit
from communityedu.learning import permissions, selectors, services
from communityedu.learning.constants import ResourceKind
from communityedu.people.selectors import person_for_account

router = ListRouter(tags=["learning"])


class ResourceOut(Schema):
    id: int
    town: str = Field(..., alias="town.slug")
    kind: str
    title: str
    summary: str
    category: str = Field(..., alias="category.name")
    tags: list[str] = Field(..., alias="tag_list")
    audience: str
    owner_unit_id: int
    is_published: bool
    published_at: datetime | None
    view_count: int
    media_type: str
    media_url: str | None
    link_url: str

    captions_url: str | None

    @staticmethod
    def resolve_media_url(obj):
        return f"/learning/resources/{obj.pk}/media" if obj.media_file else None

    @staticmethod
    def resolve_captions_url(obj):
        return f"/learning/resources/{obj.pk}/captions.vtt" if obj.captions_file else None


class ResourceDetailOut(ResourceOut):
    body: str
    duration_seconds: int | None
    transcript: str


class ResourceIn(Schema):
    town: TownSlug
    kind: ResourceKind
    title: Title(120)
    category_id: Id
    owner_unit_id: Id
    summary: Text(300) = ""
    body: Text() = ""
    tags: Text(200) = ""
    audience: Text(120) = ""
    link_url: Text(200) = ""
    publish: bool = False


class ProgressOut(Schema):
    resource_id: int
    opened_at: datetime | None
    position_seconds: int
    percent: int
    learning_seconds: int
    completed_at: datetime | None


class ProgressIn(Schema):
    position_seconds: Count | None = Field(None, ge=0)
    percent: Count | None = Field(None, ge=0, le=100)
    elapsed_seconds: Count = Field(0, ge=0)
    is_complete: bool = False


def _library_town(request, slug: str):
    town = town_for(request, slug)
    if not permissions.reads_library(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


def _resident(request):
    person = person_for_account(request.user)
    if person is None:
        raise HttpError(403, "Only residents keep learning progress")
    return person


@router.get("/learning/resources", response=list[ResourceOut])
def list_resources(request, town: str, category_id: Id | None = None):
    """The published resources of a town, the newest first."""
    resources = selectors.published_resources_for(request.user).filter(town=_library_town(request, town))
    if category_id:
        resources = resources.filter(category_id=category_id)
    return resources.select_related("town", "category").order_by("-published_at", "-id")


@router.get("/learning/resources/{resource_id}", response=ResourceDetailOut)
def get_resource(request, resource_id: Id):
    return selectors.get_published_resource_for(request.user, resource_id)


@router.get("/learning/search", response=list[ResourceOut], openapi_extra=error_responses(429))
def search_resources(request, town: str, q: str):
    """Search as residents type: Chinese words, pinyin (taijiquan), initials (tjq), homophones.
    At most ``RATE_LIMITS["search"]`` a minute per client (429 with ``Retry-After`` beyond)."""
    allowed, retry_after = ratelimit.hit(action="search", client=ratelimit.client_key(request))
    if not allowed:
        refusal = ratelimit.too_many(request, retry_after=retry_after, is_api=True)
        raise ApiError(429, json.loads(refusal.content)["detail"], headers={"Retry-After": refusal["Retry-After"]})
    return selectors.search(town=_library_town(request, town), query=q[:60])


@router.post("/learning/resources", response={201: ResourceDetailOut})
def create_resource(request, body: ResourceIn):
    town = _library_town(request, body.town)
    owner = permissions.owner_units_for(request.user, town).filter(pk=body.owner_unit_id).first()
    if owner is None:
        raise HttpError(403, "You may not keep resources for this unit")
    if body.kind not in (ResourceKind.ARTICLE, ResourceKind.LINK):
        raise ApiError(400, "Upload videos, recordings and PDFs on the resource page.", field="kind")
    category = selectors.categories_of(town).filter(pk=body.category_id).first()
    if category is None:
        raise ApiError(400, "No such category in this town.", field="category_id")
    values = body.dict(exclude={"town", "category_id", "owner_unit_id", "publish"}) | {
        "category": category,
        "owner_unit": owner,
    }
    resource = services.save_resource(actor=request.user, town=town, values=values)
    if body.publish:
        resource = services.set_published(actor=request.user, resource=resource, is_published=True)
    return Status(201, resource)


@router.get("/learning/resources/{resource_id}/progress", response=ProgressOut)
def get_progress(request, resource_id: Id):
    person = _resident(request)
    resource = selectors.get_published_resource_for(request.user, resource_id)
    progress = selectors.progress_of(person=person, resource=resource)
    if progress is None:
        return {"resource_id": resource.pk, "opened_at": None, "position_seconds": 0, "percent": 0,
                "learning_seconds": 0, "completed_at": None}  # fmt: skip
    return progress


@router.put("/learning/resources/{resource_id}/progress", response=ProgressOut)
def put_progress(request, resource_id: Id, body: ProgressIn):
    person = _resident(request)
    resource = selectors.get_published_resource_for(request.user, resource_id)
    return services.record_progress(
        person=person,
        resource=resource,
        position_seconds=body.position_seconds,
        percent=body.percent,
        elapsed_seconds=body.elapsed_seconds,
        is_complete=body.is_complete,
    )
