"""Lecture fees: the year's page and spreadsheet, the fee standard, and the ledger's three writes.

The town office and the community school manage fees; district evaluators read them. Every
form is a plain POST that comes back to the page it was sent from (``next``) or to the year's
fee page.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communityedu.activities.fees import permissions as fee_permissions
from communityedu.activities.fees import selectors as fee_selectors
from communityedu.activities.fees import services as fee_services
from communityedu.activities.fees.export import export_fee_year
from communityedu.core.parsing import parse_year
from communityedu.core.views import allowed_if
from communityedu.funding import permissions as funding_permissions


class FeeStandardForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Fee per lecturer per lecture (yuan)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    valid_from = forms.DateField(label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))


class PaymentForm(forms.Form):
    voucher_number = forms.CharField(label=gettext_lazy("Voucher number"), max_length=60)
    paid_on = forms.DateField(label=gettext_lazy("Paid on"))


def _reads(request) -> bool:
    return fee_permissions.can_read_fees(request.user, request.town)


def _manages(request) -> bool:
    return fee_permissions.can_manage_fees(request.user, request.town)


def _year(value: str | None) -> int:
    return parse_year(value, default=timezone.localdate().year)


def _fees_url(year: int) -> str:
    return f"{reverse('activities:fees')}?year={year}"


def _back(request, year: int):
    """To the page the form was on, if it is ours; otherwise to the year's fees."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(_fees_url(year))


def _page(request, *, year: int, standard_form: FeeStandardForm, status: int = 200):
    today = timezone.localdate()
    context = {
        "year": year,
        "previous": year - 1,
        "following": year + 1,
        "fees": fee_selectors.fee_year(town=request.town, year=year),
        "standards": fee_selectors.fee_standards(town=request.town),
        "standard_today": fee_selectors.standard_in_force(town=request.town, on=today),
        "today": today,
        "can_manage": fee_permissions.can_manage_fees(request.user, request.town),
        # Each fee line's own page (funding:entry) is for the readers of the town's funding ledgers.
        "links_ledger_lines": funding_permissions.can_read_funding(request.user, request.town),
        "standard_form": standard_form,
    }
    return render(request, "activities/fees.html", context, status=status)


@allowed_if(_reads)
def fee_year(request):
    return _page(request, year=_year(request.GET.get("year")), standard_form=FeeStandardForm())


@allowed_if(_reads)
def fee_export(request):
    year = _year(request.GET.get("year"))
    data = export_fee_year(actor=request.user, town=request.town, year=year)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="lecture-fees-{request.town.slug}-{year}.xlsx"'
    return response


@require_POST
@allowed_if(_manages)
def set_standard(request):
    year = _year(request.POST.get("year"))
    form = FeeStandardForm(request.POST)
    if form.is_valid():
        try:
            standard = fee_services.set_fee_standard(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("From %(date)s the fee is %(amount)s yuan per lecturer per lecture.")
                % {"date": standard.valid_from.isoformat(), "amount": standard.amount},
            )
            return redirect(_fees_url(year))
    return _page(request, year=year, standard_form=form)


@require_POST
@allowed_if(_manages)
def record_due(request, pk: int):
    lecture = fee_selectors.get_lecture_for_fees(request.user, pk)
    try:
        created = fee_services.record_fees_due(activity=lecture, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(request, _("Fees due recorded for %(count)s lecturers.") % {"count": len(created)})
        else:
            messages.info(request, _("Every lecturer of this lecture already has a fee recorded."))
    return _back(request, fee_selectors.lecture_date(lecture).year)


@require_POST
@allowed_if(_manages)
def mark_paid(request, pk: int):
    payment = fee_selectors.get_due_entry_for(request.user, pk)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
    else:
        try:
            fee_services.mark_paid(payment=payment, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Paid %(amount)s yuan to %(name)s.") % {"amount": payment.amount, "name": payment.lecturer.name},
            )
    return _back(request, fee_selectors.lecture_date(payment.activity).year)


@require_POST
@allowed_if(_manages)
def reverse_payment(request, pk: int):
    payment = fee_selectors.get_due_entry_for(request.user, pk)
    try:
        fee_services.reverse_payment(payment=payment, reason=request.POST.get("reason", ""), actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The fee of %(name)s was reversed.") % {"name": payment.lecturer.name})
    return _back(request, fee_selectors.lecture_date(payment.activity).year)
