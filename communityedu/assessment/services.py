"""Writes of the assessment: basic conditions and their files, indicator versions, manual scores
and the weights of the unit assessment. Each is atomic and audited."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from communityedu.activities.models import Evidence
from communityedu.assessment import indicator_sheet
from communityedu.assessment.constants import CONDITION_UNIT_TYPES, ConditionItem, ScoringMethod
from communityedu.assessment.criteria import CRITERIA
from communityedu.assessment.models import (
    CriterionWeight,
    EvidenceFile,
    Indicator,
    IndicatorSystem,
    ManualScore,
    SelfAssessment,
    UnitConditions,
)
from communityedu.core import audit
from communityedu.core.files import EVIDENCE_FOLDER, CheckedUpload, StoredUpload, display_name, store_upload
from communityedu.core.models import AuditAction
from communityedu.core.parsing import check_year
from communityedu.organization.models import Town, Unit

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date

    from django.core.files.uploadedfile import UploadedFile

    from communityedu.accounts.models import User

CONDITION_FIELDS = ["venue_place", "venue_area", "staff", "staff_count", "yearly_funds", "equipment"]
ASSESSMENT_FOLDER = "assessment"
MAX_FILES_PER_ITEM = 20


# ---- basic conditions ----------------------------------------------------------------------------


def conditions_of(*, unit: Unit, year: int) -> UnitConditions:
    """The unit's conditions row for ``year``, made empty on first use (not audited: it holds nothing)."""
    if unit.unit_type not in CONDITION_UNIT_TYPES:
        raise ValidationError(_("Basic conditions are kept for the community school and the learning centres only."))
    check_year(int(year))
    row = UnitConditions.objects.filter(town_id=unit.town_id, unit=unit, year=year).first()
    if row is not None:
        return row
    try:
        with transaction.atomic():
            return UnitConditions.objects.create(town_id=unit.town_id, unit=unit, year=year)
    except IntegrityError:  # made by a request at the same moment
        return UnitConditions.objects.get(town_id=unit.town_id, unit=unit, year=year)


@transaction.atomic
def save_conditions(*, actor: User, unit: Unit, year: int, values: dict) -> UnitConditions:
    """Set the venue, staff, yearly funds and equipment of ``unit`` for ``year``."""
    row = conditions_of(unit=unit, year=year)
    row = UnitConditions.objects.select_for_update().get(pk=row.pk)
    before = audit.snapshot(row, CONDITION_FIELDS)
    errors = {}
    area = values.get("venue_area")
    if area is not None and Decimal(area) <= 0:
        errors["venue_area"] = _("The area must be more than zero.")
    funds = values.get("yearly_funds")
    if funds is not None and Decimal(funds) < 0:
        errors["yearly_funds"] = _("The funds cannot be negative.")
    if errors:
        raise ValidationError(errors)
    for name in CONDITION_FIELDS:
        if name in values:
            value = values[name]
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    row.full_clean(exclude=["town", "unit"])
    row.save(update_fields=[*CONDITION_FIELDS, "updated_at"])
    changes = audit.diff(before, audit.snapshot(row, CONDITION_FIELDS))
    if changes:
        audit.record_change(actor=actor, obj=row, created=False, changes=changes)
    return row


def _store(
    *, actor: User, town_id: int, upload: UploadedFile, conditions: UnitConditions | None, item: str
) -> EvidenceFile:
    """Keep ``upload`` checked as every evidence file is (``core.files``: content, size, a safe
    name), under the evidence folder so that ``stored_path`` serves it and refuses anything outside."""

    def refuse_past_the_limit(checked: CheckedUpload) -> None:
        if conditions is not None:
            UnitConditions.objects.select_for_update().filter(pk=conditions.pk).first()
            live = EvidenceFile.objects.filter(conditions=conditions, item=item, is_removed=False).count()
            if live >= MAX_FILES_PER_ITEM:
                raise ValidationError(
                    _("%(name)s: this item already has %(limit)s files.")
                    % {"name": checked.label(ASSESSMENT_FOLDER), "limit": MAX_FILES_PER_ITEM}
                )

    def record(kept: StoredUpload) -> EvidenceFile:
        label = kept.label(ASSESSMENT_FOLDER)
        stored = EvidenceFile.objects.create(
            town_id=town_id,
            conditions=conditions,
            item=item,
            file=kept.file,
            thumbnail=kept.thumbnail,
            original_name=label,
            content_type=kept.content_type,
            size=kept.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record_change(
            actor=actor,
            obj=stored,
            created=True,
            changes={
                "conditions": [None, conditions.pk if conditions else None],
                "item": [None, item],
                "original_name": [None, label],
                "content_type": [None, kept.content_type],
                "size": [None, kept.size],
            },
        )
        return stored

    return store_upload(
        upload,
        folder=f"{EVIDENCE_FOLDER}/{town_id}/{ASSESSMENT_FOLDER}",
        before_write=refuse_past_the_limit,
        record=record,
        with_thumbnail=True,
    )


def attach_condition_evidence(*, actor: User, unit: Unit, year: int, item: str, upload: UploadedFile) -> EvidenceFile:
    """Keep ``upload`` as evidence of one item of the unit's basic conditions for ``year``."""
    if item not in ConditionItem.values:
        raise ValidationError({"item": _("Choose the item the file is evidence of.")})
    conditions = conditions_of(unit=unit, year=year)
    return _store(actor=actor, town_id=unit.town_id, upload=upload, conditions=conditions, item=item)


@transaction.atomic
def remove_evidence_file(*, actor: User, evidence_file: EvidenceFile, reason: str) -> EvidenceFile:
    """Hide a file with a reason; it counts for nothing any more."""
    reason = reason.strip()[:200]
    if not reason:
        raise ValidationError({"reason": _("Say why the file is removed.")})
    if not EvidenceFile.objects.filter(pk=evidence_file.pk, is_removed=False).update(
        is_removed=True, removed_reason=reason
    ):
        raise ValidationError(_("This file was already removed."))
    evidence_file.is_removed, evidence_file.removed_reason = True, reason
    audit.record_change(
        actor=actor,
        obj=evidence_file,
        created=False,
        changes={"is_removed": [False, True], "removed_reason": ["", reason]},
    )
    return evidence_file


# ---- the indicator system ------------------------------------------------------------------------


@transaction.atomic
def load_indicator_system(
    *, actor: User, town: Town, content: bytes, file_name: str, name: str = ""
) -> IndicatorSystem:
    """Load a sheet of indicators as the town's next version; raises ``IndicatorSheetError`` (with
    every problem by row and column) and writes nothing when the sheet has any problem."""
    rows = indicator_sheet.parse(content, file_name)
    # Lock the town so that two loads at once cannot take the same version number.
    Town.objects.select_for_update().filter(pk=town.pk).first()
    version = (IndicatorSystem.objects.filter(town=town).aggregate(top=Max("version"))["top"] or 0) + 1
    total = sum((row.points for row in rows if row.level == 1), Decimal("0")).quantize(Decimal("0.01"))
    system = IndicatorSystem.objects.create(
        town=town,
        version=version,
        name=(name.strip() or Path(file_name).stem or _("Indicator system"))[:120],
        source_name=display_name(file_name)[:200],
        total_points=total,
        loaded_by=actor if getattr(actor, "pk", None) else None,
    )
    saved: dict[str, Indicator] = {}
    for position, row in enumerate(rows, start=1):
        saved[row.code] = Indicator.objects.create(
            town=town,
            system=system,
            code=row.code,
            parent=saved.get(row.parent_code) if row.level > 1 else None,
            level=row.level,
            position=position,
            name=row.name,
            points=row.points,
            evaluation_points=row.evaluation_points,
            method=row.method if not row.children else "",
            source=row.source,
            threshold=row.threshold,
            rule=row.rule,
        )
    audit.record_change(
        actor=actor,
        obj=system,
        created=True,
        changes={
            "version": [None, version],
            "source_name": [None, system.source_name],
            "indicators": [None, len(rows)],
            "total_points": [None, str(total)],
        },
    )
    return system


# ---- self-assessment -----------------------------------------------------------------------------


def self_assessment_for(*, town: Town, system: IndicatorSystem, year: int) -> SelfAssessment:
    """The town's self-assessment of ``year`` against ``system``, made on first use."""
    check_year(int(year))
    found = SelfAssessment.objects.filter(town=town, system=system, year=year).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SelfAssessment.objects.create(town=town, system=system, year=year)
    except IntegrityError:
        return SelfAssessment.objects.get(town=town, system=system, year=year)


@transaction.atomic
def record_manual_score(
    *,
    actor: User,
    indicator: Indicator,
    year: int,
    points: Decimal,
    comment: str,
    as_of: date | None = None,
    uploads: Iterable[UploadedFile] = (),
    activity_evidence: list[Evidence] | tuple = (),
) -> ManualScore:
    """Score a manual leaf for ``year``, with a comment and evidence: a new entry; the latest one
    of the year counts, the earlier ones stay. The score belongs to the year whatever date the
    self-assessment is read as of; ``as_of``, the date the person was reading, is only noted in
    the audit entry."""
    errors = {}
    if indicator.method != ScoringMethod.MANUAL:
        raise ValidationError(_("%(code)s is scored automatically.") % {"code": indicator.code})
    comment = (comment or "").strip()
    if not comment:
        errors["comment"] = _("Say why the indicator earns these points.")
    if points is None or points < 0 or points > indicator.points:
        errors["points"] = _("Give points from 0 to %(points)s.") % {
            "points": format(indicator.points.normalize(), "f")
        }
    elif points != points.quantize(Decimal("0.01")):
        errors["points"] = _("Give the points with at most two decimals.")
    for item in activity_evidence:
        if item.town_id != indicator.town_id or item.is_removed:
            errors["activity_evidence"] = _("Choose evidence of this town's activities.")
    if errors:
        raise ValidationError(errors)
    assessment = self_assessment_for(town=indicator.town, system=indicator.system, year=year)
    score = ManualScore.objects.create(
        town_id=indicator.town_id,
        self_assessment=assessment,
        indicator=indicator,
        points=points,
        comment=comment[:4000],
        scored_by=actor if getattr(actor, "pk", None) else None,
    )
    files = [
        _store(actor=actor, town_id=indicator.town_id, upload=upload, conditions=None, item="") for upload in uploads
    ]
    score.files.set(files)
    score.activity_evidence.set(activity_evidence)
    audit.record_change(
        actor=actor,
        obj=score,
        created=True,
        changes={
            "indicator": [None, indicator.code],
            "year": [None, year],
            "as_of": [None, str(as_of) if as_of else None],
            "points": [None, str(points)],
            "comment": [None, comment[:200]],
            "files": [None, [item.pk for item in files]],
            "activity_evidence": [None, [item.pk for item in activity_evidence]],
        },
    )
    return score


# ---- the unit assessment -------------------------------------------------------------------------


@transaction.atomic
def set_weights(*, actor: User, town: Town, year: int, weights: dict[str, Decimal]) -> dict[str, Decimal]:
    """Set the weight of each criterion named for ``year`` (all or none)."""
    check_year(int(year))
    errors = {}
    for key, weight in weights.items():
        if key not in CRITERIA:
            errors[key] = _("%(key)s is not a criterion.") % {"key": key}
        elif weight is None or weight < 0 or weight > 1000:
            errors[key] = _("Give a weight from 0 to 1000.")
    if errors:
        raise ValidationError(errors)
    stored = {row.criterion: row for row in CriterionWeight.objects.select_for_update().filter(town=town, year=year)}
    effective = {key: (stored[key].weight if key in stored else item.default_weight) for key, item in CRITERIA.items()}
    if sum(weights.get(key, effective[key]) for key in CRITERIA) <= 0:
        raise ValidationError(_("At least one criterion needs a weight above zero."))
    changes = {}
    for key, weight in weights.items():
        row = stored.get(key)
        if row is None:
            CriterionWeight.objects.create(town=town, year=year, criterion=key, weight=weight)
        elif row.weight != weight:
            CriterionWeight.objects.filter(pk=row.pk).update(weight=weight)
        else:
            continue
        changes[key] = [str(effective[key]), str(weight)]
    if changes:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            town=town,
            object_label=_("unit assessment weights %(year)s") % {"year": year},
            changes=changes,
        )
    return {key: weights.get(key, effective[key]) for key in CRITERIA}
