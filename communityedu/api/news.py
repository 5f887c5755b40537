"""News and notices over the API: the published list and item, drafting and publishing."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.activities.models import Activity
from communityedu.api.common import ListRouter, town_for
from communityedu.api.types import Id, Text, Title, TownSlug
from communityedu.news import permissions, selectors, services
from communityedu.news.constants import NewsKind
from communityedu.organization.models import Unit

router = ListRouter(tags=["news"])


class NewsOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    unit: str
    publish_on: date
    is_pinned: bool
    is_published: bool
    activity_id: int | None
    has_cover: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_has_cover(obj):
        return bool(obj.cover)


class NewsIn(Schema):
    town: TownSlug
    kind: NewsKind = NewsKind.NEWS
    title: Title(120)
    body: Text()
    unit_id: Id
    publish_on: date | None = None
    is_pinned: bool = False
    activity_id: Id | None = None


class PublishIn(Schema):
    is_published: bool = True


@router.get("/news", response=list[NewsOut])
def list_news(request, town: str, kind: NewsKind | None = None):
    """Published news and notices of a town, pinned first, then the newest."""
    return list(selectors.published_in(town_for(request, town), kind=kind))


@router.get("/news/{item_id}", response=NewsOut)
def get_news(request, item_id: Id, town: str):
    """One published item."""
    return selectors.get_published_item(town_for(request, town), item_id)


@router.post("/news", response={201: NewsOut})
def create_news(request, body: NewsIn):
    """Draft an item for a unit the caller writes for; publish it with ``/news/{id}/publish``."""
    town = town_for(request, body.town)
    if not permissions.can_write_news(request.user, town):
        raise HttpError(403, "Not allowed")
    values = {
        "kind": body.kind,
        "title": body.title,
        "body": body.body,
        "unit": get_object_or_404(Unit, town=town, pk=body.unit_id),
        "publish_on": body.publish_on or timezone.localdate(),
        "is_pinned": body.is_pinned,
        "activity": get_object_or_404(Activity, town=town, pk=body.activity_id) if body.activity_id else None,
    }
    return Status(201, services.save_item(actor=request.user, town=town, values=values))


@router.post("/news/{item_id}/publish", response=NewsOut)
def publish_news(request, item_id: Id, town: str, body: PublishIn):
    """Publish an item (``is_published: true``) or withdraw it (``false``)."""
    town_row = town_for(request, town)
    if not permissions.can_write_news(request.user, town_row):
        raise HttpError(403, "Not allowed")
    item = selectors.get_item_for_editing(request.user, town_row, item_id)
    if body.is_published:
        return services.publish_item(actor=request.user, item=item)
    return services.unpublish_item(actor=request.user, item=item)
