"""The evidence files of tasks and rectification items."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.core.files import EVIDENCE_FOLDER, CheckedUpload, StoredUpload, store_upload
from communityedu.planning.constants import EVIDENCE_SUBFOLDER, MAX_FILES_PER_RECORD
from communityedu.planning.models import PlanFile, RectificationItem, Task
from communityedu.planning.services.common import actor_or_none

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from communityedu.accounts.models import User


def keep_file(*, actor: User, town_id: int, upload: UploadedFile, owner: dict, count: int) -> PlanFile:
    """Check and keep ``upload`` as every evidence file is (``core.files``: content, size, a safe
    label), under a random name in ``evidence/planning/<town>/``."""

    def refuse_past_the_limit(checked: CheckedUpload) -> None:
        if count >= MAX_FILES_PER_RECORD:
            raise ValidationError(
                _("%(name)s: this record already has %(limit)s files.")
                % {"name": checked.shown, "limit": MAX_FILES_PER_RECORD}
            )

    def record(stored: StoredUpload) -> PlanFile:
        kept = PlanFile.objects.create(
            town_id=town_id,
            file=stored.file,
            original_name=stored.label(EVIDENCE_SUBFOLDER),
            content_type=stored.content_type,
            size=stored.size,
            uploaded_by=actor_or_none(actor),
            **owner,
        )
        audit.record_change(
            actor=actor,
            obj=kept,
            created=True,
            changes={
                **{key: [None, value.pk] for key, value in owner.items()},
                "original_name": [None, kept.original_name],
                "content_type": [None, kept.content_type],
                "size": [None, stored.size],
            },
        )
        return kept

    return store_upload(
        upload,
        folder=f"{EVIDENCE_FOLDER}/{EVIDENCE_SUBFOLDER}/{town_id}",
        before_write=refuse_past_the_limit,
        record=record,
    )


@transaction.atomic
def attach_task_file(*, actor: User, task: Task, upload: UploadedFile) -> PlanFile:
    task = Task.objects.select_for_update().get(pk=task.pk)
    return keep_file(actor=actor, town_id=task.town_id, upload=upload, owner={"task": task}, count=task.files.count())


@transaction.atomic
def attach_rectification_file(*, actor: User, item: RectificationItem, upload: UploadedFile) -> PlanFile:
    item = RectificationItem.objects.select_for_update().get(pk=item.pk)
    return keep_file(actor=actor, town_id=item.town_id, upload=upload, owner={"item": item}, count=item.files.count())
