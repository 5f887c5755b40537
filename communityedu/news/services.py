"""Writes of the news: drafting and editing an item, publishing and withdrawing it."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.core.files import picture_format
from communityedu.news.constants import COVER_FORMATS, DEFAULT_COVER_MAX_BYTES
from communityedu.news.models import NewsItem
from communityedu.news.permissions import news_units_for

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

ITEM_FIELDS = ["kind", "title", "body", "unit", "publish_on", "is_pinned", "activity"]
AUDITED_FIELDS = [*ITEM_FIELDS, "cover", "is_published"]


def cover_max_bytes() -> int:
    return getattr(settings, "NEWS_COVER_MAX_BYTES", DEFAULT_COVER_MAX_BYTES)


def checked_cover(upload: UploadedFile) -> ContentFile:
    """The upload as a picture file named by its real format; refuses anything that is not an image."""
    limit = cover_max_bytes()
    if (upload.size or 0) > limit:
        raise ValidationError({"cover": _("The picture is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    content = upload.read()
    image_format = picture_format(content, COVER_FORMATS)
    if image_format not in COVER_FORMATS:
        raise ValidationError({"cover": _("Choose a JPEG, PNG or WebP picture.")})
    return ContentFile(content, name=f"{secrets.token_hex(8)}.{COVER_FORMATS[image_format]}")


def _check_values(*, actor: User, town: Town, values: dict) -> None:
    if not news_units_for(actor, town).filter(pk=values["unit"].pk).exists():
        raise PermissionDenied
    activity = values.get("activity")
    if activity is not None and activity.town_id != town.pk:
        raise ValidationError({"activity": _("Choose an activity of this town.")})


@transaction.atomic
def save_item(
    *, actor: User, town: Town, values: dict, item: NewsItem | None = None, cover: UploadedFile | None = None
) -> NewsItem:
    """Draft a new item (``item`` is None) or change one; publishing is a separate step."""
    _check_values(actor=actor, town=town, values=values)
    created = item is None
    if item is not None and not news_units_for(actor, town).filter(pk=item.unit_id).exists():
        raise PermissionDenied
    item = item or NewsItem(town=town, created_by=actor)
    before = {} if created else audit.snapshot(item, AUDITED_FIELDS)
    for name in ITEM_FIELDS:
        setattr(item, name, values.get(name))
    if cover is not None:
        item.cover = checked_cover(cover)
    item.full_clean(exclude=["cover", "created_by"])
    item.save()
    changes = audit.diff(before, audit.snapshot(item, AUDITED_FIELDS))
    if changes or created:
        audit.record_change(actor=actor, obj=item, created=created, changes=changes)
    return item


def _set_published(*, actor: User, item: NewsItem, is_published: bool) -> NewsItem:
    if not news_units_for(actor, item.town).filter(pk=item.unit_id).exists():
        raise PermissionDenied
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    if item.is_published == is_published:
        return item
    item.is_published = is_published
    if is_published:
        item.published_at = timezone.now()
    item.save(update_fields=["is_published", "published_at", "updated_at"])
    audit.record_change(
        actor=actor, obj=item, created=False, changes={"is_published": [not is_published, is_published]}
    )
    return item


@transaction.atomic
def publish_item(*, actor: User, item: NewsItem) -> NewsItem:
    return _set_published(actor=actor, item=item, is_published=True)


@transaction.atomic
def unpublish_item(*, actor: User, item: NewsItem) -> NewsItem:
    return _set_published(actor=actor, item=item, is_published=False)
