"""The one write of recognition: record a status change, with its evidence file. Atomic and
audited; earlier changes stay as they were."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.core.files import StoredUpload, store_upload, stored_path
from communityedu.organization.constants import UnitCategory
from communityedu.organization.models import Town, Unit, Village
from communityedu.recognition.constants import VILLAGE_TRACKS, RecognitionStatus, Track
from communityedu.recognition.models import StatusChange

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from communityedu.accounts.models import User

EVIDENCE_FOLDER = "recognition"


def _check_subject(*, town: Town, track: str, village: Village | None, unit: Unit | None) -> None:
    if track in VILLAGE_TRACKS:
        if village is None or unit is not None or village.town_id != town.pk:
            raise ValidationError(_("Choose a village or community of the town."))
    elif track == Track.LEARNING_ORGAN:
        if (
            unit is None
            or village is not None
            or unit.town_id != town.pk
            or unit.category != UnitCategory.PARTY_GOVERNMENT_ORGAN
        ):
            raise ValidationError(_("Choose a party/government organ of the town."))
    else:
        raise ValidationError({"track": _("Choose what is recognised.")})


def record_status(
    *,
    town: Town,
    track: str,
    status: str,
    effective_on: date,
    actor: User,
    village: Village | None = None,
    unit: Unit | None = None,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> StatusChange:
    """From ``effective_on`` on, ``village`` (or the organ ``unit``) has ``status`` on ``track``.
    ``evidence`` is an uploaded file (PDF or photo), checked by its content."""
    _check_subject(town=town, track=track, village=village, unit=unit)
    if status not in RecognitionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": _("The date cannot be in the future.")})

    def record(stored: StoredUpload | None) -> StatusChange:
        evidence_values = (
            {
                "evidence_file": stored.file,
                "evidence_name": stored.checked.detected.label_for(stored.checked.shown)[:200],
                "evidence_content_type": stored.content_type,
                "evidence_size": stored.size,
            }
            if stored is not None
            else {}
        )
        change = StatusChange.objects.create(
            town=town,
            track=track,
            village=village,
            unit=unit,
            status=status,
            effective_on=effective_on,
            note=note.strip()[:200],
            recorded_by=actor if getattr(actor, "pk", None) else None,
            **evidence_values,
        )
        audit.record_change(
            actor=actor,
            obj=change,
            created=True,
            changes={
                "track": [None, track],
                "subject": [None, str(village or unit)],
                "status": [None, status],
                "effective_on": [None, effective_on.isoformat()],
                **({"evidence_name": [None, evidence_values["evidence_name"]]} if evidence_values else {}),
            },
        )
        return change

    if evidence is None:
        with transaction.atomic():
            return record(None)
    return store_upload(evidence, folder=f"{EVIDENCE_FOLDER}/{town.pk}", record=record)


def evidence_path(change: StatusChange) -> Path | None:
    return stored_path(change.evidence_file, folder="")
