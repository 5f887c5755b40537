"""The one write of recognition: record a status change, with its evidence file. Atomic and
audited; earlier changes stay as they were."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.activities.evidence import detect_file, display_name, max_bytes
from communityedu.core import audit
from communityedu.organization.constants import UnitType
from communityedu.organization.models import Town, Unit, Village
from communityedu.recognition.constants import VILLAGE_TRACKS, RecognitionStatus, Track
from communityedu.recognition.models import StatusChange

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
            or unit.unit_type != UnitType.PARTY_GOVERNMENT_ORGAN
        ):
            raise ValidationError(_("Choose a party/government organ of the town."))
    else:
        raise ValidationError({"track": _("Choose what is recognised.")})


def _store_evidence(upload, town: Town) -> tuple[dict, Path]:
    """Check the file by its content and size, and keep it under a random name."""
    label = display_name(upload.name) or _("A file without a name")
    limit = max_bytes()
    too_large = ValidationError(
        _("%(name)s is larger than %(limit)s.") % {"name": label, "limit": filesizeformat(limit)}
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    detected = detect_file(upload, label)
    folder = Path(settings.MEDIA_ROOT) / EVIDENCE_FOLDER / str(town.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.{detected.extension}"
    written = 0
    upload.seek(0)
    with path.open("xb") as output:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:
                output.close()
                path.unlink(missing_ok=True)
                raise too_large
            output.write(chunk)
    values = {
        "evidence_file": path.relative_to(Path(settings.MEDIA_ROOT)).as_posix(),
        "evidence_name": detected.label_for(label)[:200],
        "evidence_content_type": detected.content_type,
        "evidence_size": written,
    }
    return values, path


def record_status(
    *,
    town: Town,
    track: str,
    status: str,
    effective_on: date,
    actor,
    village: Village | None = None,
    unit: Unit | None = None,
    note: str = "",
    evidence=None,
) -> StatusChange:
    """From ``effective_on`` on, ``village`` (or the organ ``unit``) has ``status`` on ``track``.
    ``evidence`` is an uploaded file (PDF or photo), checked by its content."""
    _check_subject(town=town, track=track, village=village, unit=unit)
    if status not in RecognitionStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if effective_on > timezone.localdate():
        raise ValidationError({"effective_on": _("The date cannot be in the future.")})
    evidence_values, path = _store_evidence(evidence, town) if evidence is not None else ({}, None)
    try:
        with transaction.atomic():
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
    except BaseException:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return change


def evidence_path(change: StatusChange) -> Path | None:
    if not change.evidence_file:
        return None
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / change.evidence_file).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None
