"""Evidence that an activity took place: photos, scanned sign-in sheets, PDFs.

A file is checked and kept by ``core.files.store_upload`` (by its content: JPEG, PNG, WebP or PDF,
never a web page; at most ``EVIDENCE_MAX_BYTES``), in ``MEDIA_ROOT/evidence/<town>/<activity>/``
with a 320-pixel JPEG thumbnail beside a picture; the uploader's file name is kept only as a label
to show and download under, its extension made that of what the file is. Evidence is never
deleted: removing it hides it (with a reason) and it no longer counts for anything.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities.constants import EvidenceKind
from communityedu.activities.models import Activity, Evidence
from communityedu.activities.selectors import activities_visible_to
from communityedu.core import audit
from communityedu.core.files import EVIDENCE_FOLDER, CheckedUpload, StoredUpload, store_upload

MAX_LIVE_FILES_PER_ACTIVITY = 30


def attach_evidence(*, actor, activity: Activity, kind: str, upload) -> Evidence:
    """Keep ``upload`` as evidence of ``activity``; raises ``ValidationError`` naming the file if refused.

    ``upload`` is a Django ``File`` (an uploaded file, or one opened by a command).
    """
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": _("Choose what kind of evidence the file is.")})

    def refuse_past_the_limit(checked: CheckedUpload) -> None:
        # Lock the activity so that two uploads at once cannot pass the limit together.
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        if Evidence.objects.filter(activity=activity, is_removed=False).count() >= MAX_LIVE_FILES_PER_ACTIVITY:
            raise ValidationError(
                _("%(name)s: this activity already has %(limit)s files; remove one before adding more.")
                % {"name": checked.label(EVIDENCE_FOLDER), "limit": MAX_LIVE_FILES_PER_ACTIVITY},
                code="too_many_files",
            )

    def record(stored: StoredUpload) -> Evidence:
        label = stored.label(EVIDENCE_FOLDER)
        evidence = Evidence.objects.create(
            town_id=activity.town_id,
            activity=activity,
            kind=kind,
            file=stored.file,
            thumbnail=stored.thumbnail,
            original_name=label,
            content_type=stored.content_type,
            size=stored.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record_change(
            actor=actor,
            obj=evidence,
            created=True,
            changes={
                "activity": [None, activity.pk],
                "kind": [None, kind],
                "original_name": [None, label],
                "content_type": [None, stored.content_type],
                "size": [None, stored.size],
            },
        )
        return evidence

    return store_upload(
        upload,
        folder=f"{EVIDENCE_FOLDER}/{activity.town_id}/{activity.pk}",
        before_write=refuse_past_the_limit,
        record=record,
        with_thumbnail=True,
    )


@transaction.atomic
def remove_evidence(*, actor, evidence: Evidence, reason: str) -> Evidence:
    """Hide a file with a reason; the row and the file stay, but it counts for nothing any more."""
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationError({"reason": _("Say why the file is removed.")})
    removed = Evidence.objects.filter(pk=evidence.pk, is_removed=False).update(
        is_removed=True, removed_reason=reason, updated_at=timezone.now()
    )
    if not removed:
        raise ValidationError(_("This file was already removed."))
    evidence.is_removed, evidence.removed_reason = True, reason
    audit.record_change(
        actor=actor, obj=evidence, created=False, changes={"is_removed": [False, True], "removed_reason": ["", reason]}
    )
    return evidence


# ---- reading: the gate ---------------------------------------------------------------------------


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence of the activities ``user`` may read (removed files included: see ``live``)."""
    return Evidence.objects.filter(activity__in=activities_visible_to(user))


def get_evidence_for(user, pk: int, *, live: bool = True) -> Evidence:
    evidence = evidence_visible_to(user).select_related("activity", "activity__town")
    return get_object_or_404(evidence.filter(is_removed=False) if live else evidence, pk=pk)
