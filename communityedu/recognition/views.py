"""The recognition page: every village/community and party/government organ with its status
on each track, as of a date, and (for the town office) a form per row to record a change."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.metrics import recognition_figures
from communityedu.organization.models import Village
from communityedu.recognition import permissions, selectors, services
from communityedu.recognition.constants import DEMONSTRATION_TARGET, VILLAGE_TRACKS, RecognitionStatus
from communityedu.recognition.forms import StatusChangeForm


def _reads(request) -> bool:
    return permissions.can_read_recognition(request.user, request.town)


def _manages(request) -> bool:
    return permissions.can_manage_recognition(request.user, request.town)


def _as_of(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@allowed_if(_reads)
def board(request):
    as_of = _as_of(request.GET.get("as_of"))
    recognition = selectors.recognition_board(town=request.town, as_of=as_of)
    return render(
        request,
        "recognition/board.html",
        {
            "board": recognition,
            "figures": recognition_figures.rates_of(recognition),
            "history": selectors.history(town=request.town, as_of=as_of),
            "as_of": as_of,
            "today": timezone.localdate(),
            "can_manage": _manages(request),
            "statuses": RecognitionStatus.choices,
            "demonstration_target": DEMONSTRATION_TARGET,
        },
    )


@require_POST
@allowed_if(_manages)
def record(request):
    form = StatusChangeForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
        return redirect("recognition:board")
    data = form.cleaned_data
    if data["track"] in VILLAGE_TRACKS:
        subject = {"village": get_object_or_404(Village.objects.filter(town=request.town), pk=data["subject"])}
    else:
        subject = {"unit": get_object_or_404(selectors.organs_of(request.town), pk=data["subject"])}
    try:
        change = services.record_status(
            town=request.town,
            track=data["track"],
            status=data["status"],
            effective_on=data["effective_on"],
            note=data["note"],
            evidence=data["evidence"],
            actor=request.user,
            **subject,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s from %(date)s.")
            % {
                "name": change.village or change.unit,
                "status": change.get_status_display(),
                "date": change.effective_on.isoformat(),
            },
        )
    return redirect(reverse("recognition:board"))


@allowed_if(_reads)
def evidence(request, pk: int):
    change = selectors.get_change_with_evidence_for(request.user, pk)
    path = services.evidence_path(change)
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), content_type=change.evidence_content_type, filename=change.evidence_name)
