"""The resident's own record (PIPL's right of access) and closing one's own account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from communityedu.accounts import sign_in
from communityedu.accounts.models import AccountKind
from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.people import leaving
from communityedu.people.selectors import person_for_account
from communityedu.portal import own_record
from communityedu.portal.forms import CloseAccountForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _own_person(request):
    """The signed-in account's own person record (None for a visitor); staff without one are refused."""
    if not request.user.is_authenticated:
        return None
    person = person_for_account(request.user)
    if person is None:
        raise PermissionDenied
    return person


def _record_page(request, person, *, close_form=None, status=200):
    record = own_record.own_record(person=person, account=request.user)
    context = {
        "person": person,
        "record": record,
        "personal_data": own_record.labelled(record, "personal_data"),
        "account": own_record.labelled(record, "account"),
        "may_close": request.user.kind == AccountKind.RESIDENT,
        "close_form": close_form or CloseAccountForm(auto_id="close-%s"),
    }
    response = render(request, "portal/record.html", context, status=status)
    add_never_cache_headers(response)
    return response


def my_record(request):
    person = _own_person(request)
    if person is None:
        return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")
    return _record_page(request, person)


@never_cache
def my_record_download(request):
    """The record as an .xlsx file; the download is audited as an export of the resident's own data."""
    person = _own_person(request)
    if person is None:
        return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")
    data = own_record.own_record_xlsx(own_record.own_record(person=person, account=request.user))
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=person, object_label="own record")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="my-record.xlsx"'
    return response


@require_POST
@sign_in.throttled(sign_in.RESIDENT)
def close_my_account(request):
    """Close one's own resident account with the PIN: disabled, every session ends; the register keeps the person."""
    person = _own_person(request)
    if person is None:
        return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")
    if request.user.kind != AccountKind.RESIDENT:
        raise PermissionDenied
    form = CloseAccountForm(request.POST, auto_id="close-%s")
    if form.is_valid():
        try:
            leaving.close_own_account(request=request, account=request.user, pin=form.cleaned_data["pin"])
        except ValidationError as error:
            form.add_error("pin", error.message_dict["pin"])
        else:
            logout(request)
            messages.success(request, _("Your account is closed. Your village learning centre can open a new one."))
            return redirect("portal:home")
    return _record_page(request, person, close_form=form, status=400)
