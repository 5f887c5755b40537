"""Evidence of an activity: uploading files, serving them through the gate, removing them."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from communityedu.activities import evidence as evidence_services
from communityedu.activities import permissions, selectors
from communityedu.activities.constants import EvidenceKind
from communityedu.core.files import stored_path
from communityedu.core.views import allowed_if


def _reads(request) -> bool:
    return request.town is not None and permissions.can_view_activities(request.user)


def _back_to(activity) -> str:
    return f"{reverse('activities:detail', args=[activity.pk])}#evidence"


@require_POST
@allowed_if(_reads)
def upload(request, pk: int):
    """Several files at once: each refused file gets its own message; the others are kept."""
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    kind, files = request.POST.get("kind", ""), request.FILES.getlist("files")
    if kind not in EvidenceKind.values or not files:
        messages.error(request, _("Choose the kind of evidence and at least one file."))
        return redirect(_back_to(activity))
    added = 0
    for upload_file in files:
        try:
            evidence_services.attach_evidence(actor=request.user, activity=activity, kind=kind, upload=upload_file)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            added += 1
    if added:
        messages.success(request, ngettext("%(count)s file added.", "%(count)s files added.", added) % {"count": added})
    return redirect(_back_to(activity))


def _serve(path, *, content_type: str, file_name: str) -> FileResponse:
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(file_name, safe='')}"
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response


@require_safe
@allowed_if(_reads)
def download(request, pk: int):
    evidence = evidence_services.get_evidence_for(request.user, pk)
    return _serve(
        stored_path(evidence.file),
        content_type=evidence.content_type,
        file_name=evidence.original_name,
    )


@require_safe
@allowed_if(_reads)
def thumbnail(request, pk: int):
    evidence = evidence_services.get_evidence_for(request.user, pk)
    stem = evidence.original_name.rsplit(".", 1)[0] or evidence.original_name
    return _serve(stored_path(evidence.thumbnail), content_type="image/jpeg", file_name=f"{stem}.jpg")


@require_POST
@allowed_if(_reads)
def remove(request, pk: int):
    # Removed files are found too, so a second click says "already removed" rather than 404.
    evidence = evidence_services.get_evidence_for(request.user, pk, live=False)
    if not permissions.can_manage_activity(request.user, evidence.activity):
        raise PermissionDenied
    try:
        evidence_services.remove_evidence(actor=request.user, evidence=evidence, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s removed.") % {"name": evidence.original_name})
    return redirect(_back_to(evidence.activity))
