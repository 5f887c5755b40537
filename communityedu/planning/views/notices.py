"""Notices: commendations and criticisms drafted, approved and published."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.people.position_holders import leaders_on
from communityedu.planning import forms, permissions, selectors
from communityedu.planning.services import notices as notice_services
from communityedu.planning.views.common import apply_errors, check_managed, manages, manages_any, reads, reads_any, run


def _notices_page(request, *, form=None, status: int = 200):
    is_manager = manages(request)
    notices = selectors.notices_visible_to(request.user, request.town).prefetch_related("subjects__unit")
    notices = notices.order_by(F("effective_on").desc(nulls_last=True), "-created_at", "-id")
    context = {
        "notices": list(notices),
        "is_manager": is_manager,
        "reads_whole": permissions.reads_whole_plan(request.user, request.town),
        "form": form or (forms.NoticeForm(town=request.town) if is_manager else None),
    }
    return render(request, "planning/notices.html", context, status=status)


@allowed_if(reads)
def notices(request):
    return _notices_page(request)


@require_POST
@allowed_if(manages)
def notice_create(request):
    form = forms.NoticeForm(request.POST, town=request.town)
    if form.is_valid():
        data = form.cleaned_data
        subjects = [(unit, "") for unit in data["units"]] + data["people"]
        try:
            notice = notice_services.draft_notice(
                town=request.town,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                subjects=subjects,
                rectify_by=data["rectify_by"],
                effective_on=data["effective_on"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The notice was drafted; another office account must approve it."))
            return redirect("planning:notice", pk=notice.pk)
    return _notices_page(request, form=form, status=400)


@allowed_if(reads_any)
def notice_detail(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    return _notice_page(request, notice)


def _notice_page(request, notice, *, date_form=None, status: int = 200):
    is_manager = permissions.can_manage_plan(request.user, notice.town)
    context = {
        "notice": notice,
        "subjects": notice.subject_lines(),
        "leaders": leaders_on(notice.town, notice.effective_on) if notice.effective_on else [],
        "items": list(notice.rectification_items.select_related("unit")),
        "is_manager": is_manager,
        "date_form": date_form
        or (forms.NoticeDateForm(initial={"effective_on": notice.effective_on}) if is_manager else None),
    }
    return render(request, "planning/notice.html", context, status=status)


@require_POST
@allowed_if(manages_any)
def notice_date(request, pk: int):
    """Give a notice its effective date (one typed before the date was asked, or mistyped)."""
    notice = selectors.get_notice_for(request.user, pk)
    check_managed(request, notice)
    form = forms.NoticeDateForm(request.POST)
    if form.is_valid():
        try:
            notice_services.set_notice_effective_on(
                notice=notice, effective_on=form.cleaned_data["effective_on"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The notice's effective date was saved."))
            return redirect("planning:notice", pk=notice.pk)
    return _notice_page(request, notice, date_form=form, status=400)


@require_POST
@allowed_if(manages_any)
def notice_approve(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    check_managed(request, notice)
    return run(
        request,
        lambda: notice_services.approve_notice(notice=notice, actor=request.user),
        success=_("The notice was approved."),
        target=reverse("planning:notice", args=[notice.pk]),
    )


@require_POST
@allowed_if(manages_any)
def notice_publish(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    check_managed(request, notice)
    return run(
        request,
        lambda: notice_services.publish_notice(notice=notice, actor=request.user),
        success=_("The notice was published to the units it names."),
        target=reverse("planning:notice", args=[notice.pk]),
    )
