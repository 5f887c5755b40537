"""Writes of the learning platform: keeping resources (and their search index), and progress.

``save_resource`` is the only writer of resources and of the search index: every save rewrites
the resource's index rows in the same transaction, and an unpublished resource has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.learning.captions import check_captions
from communityedu.learning.constants import (
    COMPLETION_PERCENT,
    MAX_SECONDS_PER_REPORT,
    MEDIA_KINDS,
    STANDARD_CATEGORIES,
    STREAMED_KINDS,
    ResourceKind,
)
from communityedu.learning.models import Category, Progress, Resource, SearchTerm
from communityedu.learning.search import document_terms
from communityedu.learning.uploads import check_media, stored_name

if TYPE_CHECKING:
    from datetime import datetime

    from django.core.files.uploadedfile import UploadedFile

    from communityedu.accounts.models import User
    from communityedu.organization.models import Town
    from communityedu.people.models import Person

RESOURCE_FIELDS = [
    "kind",
    "title",
    "summary",
    "body",
    "category",
    "tags",
    "audience",
    "owner_unit",
    "link_url",
    "duration_seconds",
]


def ensure_categories(*, town: Town) -> list[Category]:
    """The plan's standard categories for ``town``, created on first use (idempotent)."""
    existing = {c.name for c in Category.objects.filter(town=town)}
    Category.objects.bulk_create(
        [
            Category(town=town, name=name, position=position)
            for position, name in enumerate(STANDARD_CATEGORIES)
            if name not in existing
        ],
        ignore_conflicts=True,
    )
    return list(Category.objects.filter(town=town))


def index_rows(resource: Resource) -> list[SearchTerm]:
    """The search index rows of a published resource (none for an unpublished one)."""
    published_at = resource.published_at  # set on every published resource (a constraint)
    if not resource.is_published or published_at is None:
        return []
    terms = document_terms(
        title=resource.title, tags=resource.tags, category=resource.category.name, summary=resource.summary
    )
    return [
        SearchTerm(
            town_id=resource.town_id,
            resource=resource,
            term=term,
            in_title=in_title,
            published_at=published_at,
        )
        for term, in_title in terms.items()
    ]


def reindex(resource: Resource) -> None:
    SearchTerm.objects.filter(resource=resource).delete()
    SearchTerm.objects.bulk_create(index_rows(resource), batch_size=500)


def _check_values(*, town: Town, values: dict, has_file: bool) -> None:
    errors = {}
    if values["category"].town_id != town.pk:
        errors["category"] = _("Choose a category of this town.")
    if values["owner_unit"].town_id != town.pk:
        errors["owner_unit"] = _("Choose a unit of this town.")
    kind = values["kind"]
    if kind == ResourceKind.LINK and not values.get("link_url"):
        errors["link_url"] = _("A link needs its address.")
    if kind == ResourceKind.ARTICLE and not values.get("body", "").strip():
        errors["body"] = _("An article needs its text.")
    if kind in MEDIA_KINDS and not has_file:
        errors["media_file"] = _("Upload the file of this resource.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_resource(
    *,
    actor: User,
    town: Town,
    values: dict,
    upload: UploadedFile | None = None,
    resource: Resource | None = None,
    captions_upload: UploadedFile | None = None,
) -> Resource:
    """Create a resource of ``town`` or change ``resource``; ``upload`` replaces its file and
    ``captions_upload`` its captions (a video's or a recording's, WebVTT or SubRip).

    The files are checked by their content and size before anything is written."""
    try:
        checked = check_media(upload, kind=values["kind"]) if upload is not None else None
    except ValidationError as error:
        raise ValidationError({"media_file": error.messages}) from error
    captions = None
    if captions_upload is not None:
        if values["kind"] not in STREAMED_KINDS:
            raise ValidationError({"captions_file": _("Captions are for videos and recordings.")})
        try:
            captions = check_captions(captions_upload)
        except ValidationError as error:
            raise ValidationError({"captions_file": error.messages}) from error
    created = resource is None
    if resource is not None and resource.kind != values["kind"] and checked is None and values["kind"] in MEDIA_KINDS:
        raise ValidationError({"media_file": _("Upload a file for the new kind.")})
    _check_values(town=town, values=values, has_file=checked is not None or bool(resource and resource.media_file))
    resource = resource or Resource(town=town, created_by=actor if getattr(actor, "pk", None) else None)
    before = {} if created else audit.snapshot(resource, RESOURCE_FIELDS)
    for name in RESOURCE_FIELDS:
        if name in values:
            setattr(resource, name, values[name])
    if values["kind"] not in MEDIA_KINDS and resource.media_file:
        resource.media_file.delete(save=False)
        resource.media_type, resource.media_bytes = "", 0
    if checked is not None and upload is not None:
        upload.seek(0)
        resource.media_file.save(
            stored_name(town_id=town.pk, extension=checked.extension), ContentFile(upload.read()), save=False
        )
        resource.media_type, resource.media_bytes = checked.content_type, checked.size
    replaced_captions = resource.captions_file.name
    if values["kind"] not in STREAMED_KINDS and resource.captions_file:
        resource.captions_file, resource.transcript = "", ""
    if captions is not None:
        resource.captions_file.save(
            stored_name(town_id=town.pk, extension="vtt"), ContentFile(captions.vtt.encode()), save=False
        )
        resource.transcript = captions.transcript
    if replaced_captions and replaced_captions != resource.captions_file.name:
        # The old file goes once the change is committed (kept if anything below fails).
        transaction.on_commit(lambda: resource.captions_file.storage.delete(replaced_captions))
    resource.full_clean()
    resource.save()
    reindex(resource)
    changes = audit.diff(before, audit.snapshot(resource, RESOURCE_FIELDS))
    if checked is not None:
        changes["media_file"] = [None, resource.media_file.name]
    if captions is not None:
        changes["captions_file"] = [None, resource.captions_file.name]
    audit.record_change(actor=actor, obj=resource, created=created, changes=changes)
    return resource


@transaction.atomic
def set_published(*, actor: User, resource: Resource, is_published: bool, at: datetime | None = None) -> Resource:
    """Publish a resource (residents see it, the search finds it) or take it back. ``at`` dates a
    first publication (a library moved from elsewhere keeps its dates)."""
    if resource.is_published == is_published:
        return resource
    resource.is_published = is_published
    if is_published and resource.published_at is None:
        resource.published_at = at or timezone.now()
    resource.save(update_fields=["is_published", "published_at", "updated_at"])
    reindex(resource)
    audit.record_change(
        actor=actor, obj=resource, created=False, changes={"is_published": [not is_published, is_published]}
    )
    return resource


@dataclass(frozen=True)
class Opened:
    progress: Progress | None
    resume_at: int


def open_resource(*, resource: Resource, person: Person | None = None, now: datetime | None = None) -> Opened:
    """A reader opens ``resource``: one more view; for a resident, their progress notes the time."""
    now = now or timezone.now()
    Resource.objects.filter(pk=resource.pk).update(view_count=F("view_count") + 1)
    if person is None:
        return Opened(progress=None, resume_at=0)
    progress = _progress_row(person=person, resource=resource, now=now)
    if progress.last_opened_at != now:
        progress.last_opened_at = now
        progress.save(update_fields=["last_opened_at", "updated_at"])
    resume_at = 0 if progress.completed_at else progress.position_seconds
    return Opened(progress=progress, resume_at=resume_at)


def _progress_row(*, person: Person, resource: Resource, now: datetime) -> Progress:
    progress = Progress.objects.filter(person=person, resource=resource).first()
    if progress is not None:
        return progress
    try:
        with transaction.atomic():
            return Progress.objects.create(
                town_id=resource.town_id, person=person, resource=resource, opened_at=now, last_opened_at=now
            )
    except IntegrityError:  # the same resident opened it twice at once
        return Progress.objects.get(person=person, resource=resource)


@transaction.atomic
def record_progress(
    *,
    person: Person,
    resource: Resource,
    position_seconds: int | None = None,
    percent: int | None = None,
    elapsed_seconds: int = 0,
    is_complete: bool = False,
    now: datetime | None = None,
) -> Progress:
    """Where the resident is in ``resource`` now, and the learning time since the last report.

    The time added per report is capped (a page left open does not learn on its own); the
    resource is completed at 90% (or when the resident says so) and stays completed."""
    if person.town_id != resource.town_id:
        raise ValidationError(_("This resource belongs to another town."))
    now = now or timezone.now()
    progress = _progress_row(person=person, resource=resource, now=now)
    progress = Progress.objects.select_for_update().get(pk=progress.pk)
    if position_seconds is not None:
        progress.position_seconds = max(0, int(position_seconds))
        if resource.duration_seconds and percent is None:
            percent = round(100 * progress.position_seconds / resource.duration_seconds)
    if percent is not None:
        progress.percent = max(progress.percent, min(100, max(0, int(percent))))
    if is_complete:
        progress.percent = 100
    progress.learning_seconds = F("learning_seconds") + min(max(0, int(elapsed_seconds)), MAX_SECONDS_PER_REPORT)
    progress.last_opened_at = now
    if progress.completed_at is None and progress.percent >= COMPLETION_PERCENT:
        progress.completed_at = now
    progress.save(
        update_fields=[
            "position_seconds",
            "percent",
            "learning_seconds",
            "last_opened_at",
            "completed_at",
            "updated_at",
        ]
    )
    progress.refresh_from_db()
    return progress
