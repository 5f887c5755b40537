"""Writes for people."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communityedu.accounts import services as account_services
from communityedu.core import audit, crypto
from communityedu.core.models import AuditAction
from communityedu.organization import services as org_services
from communityedu.organization.models import Village
from communityedu.people import exports, imports, selectors
from communityedu.people.identity import age_on, mask_id_number, parse_id_number, parse_phone
from communityedu.people.models import ImportBatch, ImportStatus, Person

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

PERSON_FIELDS = ["name", "sex", "birth_date", "village", "village_group", "is_resident"]


@transaction.atomic
def link_account(*, person: Person, account, actor: User | None = None) -> Person:
    before = audit.snapshot(person, ["account"])
    person.account = account
    person.save(update_fields=["account", "updated_at"])
    audit.record_change(
        actor=actor, obj=person, created=False, changes=audit.diff(before, audit.snapshot(person, ["account"]))
    )
    return person


@transaction.atomic
def create_person(
    *, town: Town, values: dict, id_number: str = "", phone: str = "", actor: User | None = None
) -> Person:
    """Add one person; the ID number and phone are checked, encrypted and kept with their look-up hashes."""
    person = Person(town=town, **values)
    changes = audit.snapshot(person, PERSON_FIELDS)
    if id_number:
        parsed = parse_id_number(id_number)
        person.set_id_number(parsed.value)
        person.birth_date, person.sex = person.birth_date or parsed.birth_date, person.sex or parsed.sex
        changes["id_number"] = mask_id_number(parsed.value)
    if phone:
        phone = parse_phone(phone)
        person.set_phone(phone)
        changes["phone"] = crypto.mask_phone(phone)
    is_child = person.birth_date and age_on(person.birth_date, timezone.localdate()) < imports.CONSENT_AGE
    if is_child and not (person.guardian_name and person.guardian_consent_on):
        raise ValidationError(
            {"guardian_consent_on": _("A child under 14 is kept only with a recorded guardian consent.")}
        )
    person.full_clean()
    person.save()
    audit.record_change(actor=actor, obj=person, created=True, changes={k: [None, v] for k, v in changes.items()})
    return person


def bulk_add_generated_residents(*, town: Town, people: list[Person]) -> int:
    """Insert generated residents in bulk; rows whose ``external_ref`` exists are left alone.

    Used by the demo loader only, and audited as one entry: thirty thousand audit rows for
    synthetic data would drown the log.
    """
    before = Person.objects.filter(town=town).count()
    Person.objects.bulk_create(people, batch_size=2000, ignore_conflicts=True)
    added = Person.objects.filter(town=town).count() - before
    if added:
        audit.record(actor=None, action="create", town=town, object_label=f"{added} generated residents")
    return added


@transaction.atomic
def open_staff_account(
    *,
    actor: User,
    username: str,
    display_name: str,
    password: str,
    role: str,
    town: Town | None = None,
    unit=None,
    district=None,
):
    """A new staff account with its first role, in one step (both audited)."""
    account = account_services.create_staff_account(
        username=username, password=password, display_name=display_name, town=unit.town if unit else town, actor=actor
    )
    org_services.assign_role(user=account, role=role, town=town, unit=unit, district=district, actor=actor)
    return account


# ---- roster imports ---------------------------------------------------------------------------

INLINE_IMPORT_ROWS = 2000  # larger rosters run as a background job with progress on the page


def _stored_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / name


def _store_encrypted(content: bytes) -> str:
    """Keep the uploaded roster encrypted at rest: it holds ID numbers and phones in clear."""
    name = f"{uuid.uuid4().hex}.bin"
    path = _stored_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(crypto.encrypt_bytes(content))
    return name


def read_stored_roster(batch: ImportBatch) -> bytes:
    return crypto.decrypt_bytes(_stored_path(batch.stored_file).read_bytes())


@transaction.atomic
def upload_roster(
    *, actor: User, town: Town, file_name: str, content: bytes, allowed_village_ids=None, default_village=None
) -> ImportBatch:
    """Check a roster and keep it for confirmation. Raises ``RosterError`` if it cannot be read."""
    _roster, plan = imports.check_roster(
        town=town,
        content=content,
        file_name=file_name,
        allowed_village_ids=allowed_village_ids,
        default_village=default_village,
    )
    scope = {
        "allowed_village_ids": sorted(allowed_village_ids) if allowed_village_ids is not None else None,
        "default_village_id": default_village.pk if default_village else None,
    }
    batch = ImportBatch.objects.create(
        town=town,
        uploaded_by=actor,
        file_name=Path(file_name).name[:200],
        stored_file=_store_encrypted(content),
        total_rows=plan.total_rows,
        summary={**plan.summary(), "scope": scope},
        problems=[p.as_dict() for p in plan.problems],
    )
    audit.record_change(actor=actor, obj=batch, created=True, changes={"file_name": [None, batch.file_name]})
    return batch


def confirm_import(*, actor: User, batch: ImportBatch, skip_invalid: bool) -> ImportBatch:
    """Apply a previewed roster: at once when small, else as a background job. Confirming an
    interrupted import resumes it (``resume_import``); any other second confirmation (double
    click, retry) changes nothing."""
    if batch.is_interrupted:
        return resume_import(actor=actor, batch=batch)
    if batch.status != ImportStatus.PREVIEWED:
        return batch
    updated = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.QUEUED, skip_invalid=skip_invalid, heartbeat_at=timezone.now()
    )
    if not updated:
        batch.refresh_from_db()
        return batch
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=batch, changes={"status": ["previewed", "queued"]})
    _start_import(batch, actor=actor, attempt=batch.attempt)
    batch.refresh_from_db()
    return batch


def resume_import(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Finish an import whose job died (no heartbeat for IMPORT_HEARTBEAT_TIMEOUT_SECONDS) from
    where it stopped. The chunks it committed stay; the roster is checked again against the
    register, which now holds them, so their rows are found unchanged and nothing is added twice.

    The resumption raises the batch's attempt: should the old job be alive after all, its next
    chunk finds the attempt changed and is rolled back (see ``run_import``)."""
    cutoff = timezone.now() - timedelta(seconds=settings.IMPORT_HEARTBEAT_TIMEOUT_SECONDS)
    claimed = ImportBatch.objects.filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, updated_at__lt=cutoff),
        pk=batch.pk,
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
    ).update(status=ImportStatus.QUEUED, attempt=F("attempt") + 1, heartbeat_at=timezone.now())
    batch.refresh_from_db()
    if not claimed:
        return batch
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=batch,
        changes={"status": ["interrupted", "queued"], "resumed_after_rows": [None, batch.processed_rows]},
    )
    _start_import(batch, actor=actor, attempt=batch.attempt)
    batch.refresh_from_db()
    return batch


def _start_import(batch: ImportBatch, *, actor: User, attempt: int) -> None:
    if batch.total_rows > INLINE_IMPORT_ROWS:
        from communityedu.people.tasks import run_import_task

        actor_id = getattr(actor, "pk", None)
        transaction.on_commit(lambda: run_import_task.enqueue(batch_id=batch.pk, actor_id=actor_id, attempt=attempt))
    else:
        run_import(batch_id=batch.pk, actor=actor, attempt=attempt)


CONCURRENT_IMPORT_MESSAGE = gettext_lazy(
    "Another import added some of these people at the same time, so this one stopped; the rows of its "
    "unfinished chunk were not saved. Check the register, then import the roster again: the people "
    "already there are found unchanged."
)


class ImportTakenOverError(Exception):
    """The batch was resumed by another job while this one still ran: this one stops."""


def run_import(*, batch_id: int, actor: User, attempt: int = 0) -> ImportBatch:
    """Check the stored roster again (the register may have changed since the preview, or hold
    the chunks of an interrupted run) and apply it, touching the batch's heartbeat with each
    chunk. Does nothing unless the batch is queued under ``attempt``."""
    started = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED, attempt=attempt).update(
        status=ImportStatus.RUNNING, heartbeat_at=timezone.now()
    )
    batch = ImportBatch.objects.select_related("town").get(pk=batch_id)
    if not started:
        return batch  # run already, or resumed under a later attempt
    this_attempt = ImportBatch.objects.filter(pk=batch.pk, attempt=attempt, status=ImportStatus.RUNNING)
    scope = batch.summary.get("scope", {})
    allowed = scope.get("allowed_village_ids")
    default_village = Village.objects.filter(pk=scope.get("default_village_id")).first()
    created_before, updated_before = batch.created_rows, batch.updated_rows
    try:
        _roster, plan = imports.check_roster(
            town=batch.town,
            content=read_stored_roster(batch),
            file_name=batch.file_name,
            allowed_village_ids=set(allowed) if allowed is not None else None,
            default_village=default_village,
        )
        if plan.problems and not batch.skip_invalid:
            raise ValueError(_("The roster has invalid rows; nothing was imported."))
        total = created_before + updated_before + len(plan.creates) + len(plan.updates)

        def progress(*, created: int, updated: int) -> None:
            # In the chunk's transaction: the count commits with the rows, or neither does.
            kept = this_attempt.update(
                processed_rows=created_before + updated_before + created + updated,
                total_rows=max(total, 1),
                created_rows=created_before + created,
                updated_rows=updated_before + updated,
                heartbeat_at=timezone.now(),
            )
            if not kept:
                raise ImportTakenOverError

        summary = imports.apply_plan(plan, actor=actor, skip_invalid=batch.skip_invalid, progress=progress)
    except ImportTakenOverError:
        batch.refresh_from_db()
        return batch
    except IntegrityError:
        # Two imports of one roster at once: the other committed these people first. Say so
        # instead of showing the database's "UNIQUE constraint failed".
        this_attempt.update(status=ImportStatus.FAILED, error=str(CONCURRENT_IMPORT_MESSAGE))
        batch.refresh_from_db()
        return batch
    except Exception as error:
        this_attempt.update(status=ImportStatus.FAILED, error=str(error)[:2000])
        raise
    # The rows an earlier run applied are found unchanged now: count them where they belong.
    summary["created"] += created_before
    summary["updated"] += updated_before
    summary["unchanged"] = max(summary["unchanged"] - created_before - updated_before, 0)
    summary["scope"] = scope
    this_attempt.update(
        status=ImportStatus.DONE,
        summary=summary,
        problems=summary["invalid"],
        processed_rows=total,
        total_rows=max(total, batch.total_rows),
        created_rows=summary["created"],
        updated_rows=summary["updated"],
        heartbeat_at=timezone.now(),
        updated_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


def import_report(*, actor: User, batch: ImportBatch) -> bytes:
    """The uploaded rows with their problems, for the clerk to fix; ID numbers and phones masked
    as in any other export."""
    data = exports.import_report_xlsx(
        content=read_stored_roster(batch), file_name=batch.file_name, problems=batch.problems
    )
    audit.record(actor=actor, action=AuditAction.EXPORT, obj=batch, changes={"report": [None, batch.file_name]})
    return data


UNMASK_REASON_MAX_LENGTH = 500


def _stated_reason(reason: str | None) -> str:
    """The reason the user typed for seeing numbers in clear: required, kept in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why you need the full numbers (for example: 核对低保名单).")})
    if len(reason) > UNMASK_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason is longer than %(limit)s characters.") % {"limit": UNMASK_REASON_MAX_LENGTH}}
        )
    return reason


def export_register(
    *, actor: User, town: Town, village_id=None, tag_id=None, ask_unmasked: bool = False, reason: str | None = None
) -> bytes:
    """The register of ``town`` that ``actor`` may read, as .xlsx. Numbers come in clear only if
    asked for, with a stated reason, by someone who may unmask, and then only for the people they
    may unmask; the audit entry names the reason, how many and which people were unmasked.

    Raises ``ValidationError`` (field ``reason``) for an unmasked export without a reason."""
    filters = {"village_id": village_id, "tag_id": tag_id}
    unmasked = ask_unmasked and selectors.can_unmask_in(actor, town)
    if unmasked:
        reason = _stated_reason(reason)
    people = selectors.person_list(user=actor, town=town, **filters)
    if unmasked:
        people = selectors.unmaskable(actor, people)
    export = exports.register_xlsx(people, unmasked=unmasked)
    changes = {"filters": [None, filters], "unmasked": [None, unmasked], "count": [None, len(export.person_ids)]}
    if unmasked:
        changes.update({"reason": [None, reason], "people": [None, sorted(export.person_ids)]})
    audit.record(actor=actor, action=AuditAction.EXPORT, town=town, object_label="register export", changes=changes)
    return export.data


def reveal_personal_numbers(*, actor: User, person: Person, reason: str | None) -> dict[str, str]:
    """The person's ID number and phones in clear, for one look; audited as an unmasking with the
    stated reason. Raises ``ValidationError`` (field ``reason``) without one."""
    reason = _stated_reason(reason)
    revealed = {
        "id_number": crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else "",
        "phone": crypto.decrypt(person.phone_encrypted) if person.phone_encrypted else "",
        "guardian_phone": crypto.decrypt(person.guardian_phone_encrypted) if person.guardian_phone_encrypted else "",
    }
    audit.record(
        actor=actor,
        action=AuditAction.UNMASK,
        obj=person,
        changes={
            "fields": [None, [k for k, v in revealed.items() if v]],
            "reason": [None, reason],
            "count": [None, 1],
            "people": [None, [person.pk]],
        },
    )
    return revealed
