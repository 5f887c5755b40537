"""The register of people, scoped: a village's director sees that village's residents only."""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from communityedu.accounts import sign_in
from communityedu.activities import cards
from communityedu.activities import services as activity_services
from communityedu.activities.permissions import can_reissue_learning_card
from communityedu.core.parsing import parse_id
from communityedu.core.views import allowed_if
from communityedu.organization.permissions import is_system_admin, is_town_office
from communityedu.organization.selectors import villages_visible_to
from communityedu.people import leaving, number_search, resident_accounts, selectors, services, staff_accounts
from communityedu.people.forms import (
    DisableAccountForm,
    OpenResidentAccountForm,
    PersonPhoneForm,
    RoleGrantForm,
    RosterUploadForm,
    StaffAccountForm,
    UnmaskReasonForm,
)
from communityedu.people.leaving_forms import LeaveRegisterForm
from communityedu.people.roster import RosterError

PAGE_SIZE = 50


def _reads_register(request) -> bool:
    return request.town is not None and selectors.can_read_register(request.user)


@allowed_if(_reads_register)
def person_list(request):
    village_id = parse_id(request.GET.get("village"))
    tag_id = parse_id(request.GET.get("tag"))
    query = request.GET.get("q", "")[:50]
    search = number_search.search_register(
        user=request.user,
        town=request.town,
        village_id=village_id,
        query=query,
        tag_id=tag_id,
        status=request.GET.get("status"),
    )
    page = Paginator(search.people, PAGE_SIZE).get_page(request.GET.get("page"))
    villages = villages_visible_to(request.user).filter(town=request.town)
    readable = selectors.people_visible_to(request.user).filter(town=request.town).values("village_id").distinct()
    return render(
        request,
        "people/person_list.html",
        {
            "page": page,
            "villages": villages.filter(pk__in=readable),
            "village_id": village_id,
            "tag_id": tag_id,
            "tags": selectors.tags_of_town(request.town),
            "query": query,
            "number": search.number,
            "status": search.status,
            "can_import": selectors.can_import(request.user, request.town),
            "can_print_cards": cards.may_print_cards(request.user, request.town),
            "can_unmask": selectors.can_unmask_in(request.user, request.town),
            "export_form": UnmaskReasonForm(auto_id="export-%s"),
        },
    )


def _person_context(request, person) -> dict:
    return {
        "person": person,
        "roles": selectors.roles_of(person),
        "positions": person.positions.select_related("unit"),
        "can_unmask": selectors.can_unmask(request.user, person),
        "unmask_form": UnmaskReasonForm(auto_id="unmask-%s"),
        "can_reissue_card": can_reissue_learning_card(request.user, person),
        "can_record_leaving": resident_accounts.can_manage_resident_accounts(request.user, person),
        "leave_form": LeaveRegisterForm(auto_id="leave-%s"),
        "manages_account": resident_accounts.can_manage_resident_accounts(request.user, person),
        "account_state": resident_accounts.account_state(person),
        "account_problem": resident_accounts.eligibility_problem(person),
        "open_account_form": OpenResidentAccountForm(auto_id="account-%s"),
        "phone_form": PersonPhoneForm(auto_id="phone-%s"),
    }


@allowed_if(_reads_register)
def person_detail(request, pk: int):
    person = selectors.get_person_for(request.user, pk)
    return render(request, "people/person_detail.html", _person_context(request, person))


@require_POST
@allowed_if(_reads_register)
def person_card_reissue(request, pk: int):
    """Replace a lost learning card: the old card stops working, the resident's card page shows the new one."""
    person = selectors.get_person_for(request.user, pk)
    if not can_reissue_learning_card(request.user, person):
        raise PermissionDenied
    activity_services.reissue_learning_card(person=person, actor=request.user)
    messages.success(
        request, _("%(name)s has a new learning card; the old card no longer works.") % {"name": person.name}
    )
    return redirect("people:person-detail", pk=person.pk)


@require_POST
@allowed_if(_reads_register)
def person_leave(request, pk: int):
    """The person left the register (moved away, deceased, other): their account stops at once."""
    person = selectors.get_person_for(request.user, pk)
    if not resident_accounts.can_manage_resident_accounts(request.user, person):
        raise PermissionDenied
    form = LeaveRegisterForm(request.POST, auto_id="leave-%s")
    if form.is_valid():
        try:
            person = leaving.leave_register(person=person, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if person.account_id is None:
                message = _("%(name)s has left the register.") % {"name": person.name}
            else:
                message = _("%(name)s has left the register; their account is disabled.") % {"name": person.name}
            messages.success(request, message)
            return redirect("people:person-detail", pk=person.pk)
    context = {**_person_context(request, person), "leave_form": form}
    return render(request, "people/person_detail.html", context, status=400)


def _manages_accounts(request) -> bool:
    return selectors.can_manage_accounts(request.user)


def _opens_accounts(request) -> bool:
    return request.town is not None and (is_town_office(request.user, request.town) or is_system_admin(request.user))


@allowed_if(_manages_accounts)
def account_list(request):
    accounts = selectors.account_list(user=request.user, town=request.town)
    return render(request, "people/account_list.html", {"accounts": accounts, "can_create": _opens_accounts(request)})


@require_POST
@allowed_if(_manages_accounts)
def account_unlock(request, pk: int):
    """Lift a locked account's lock (another office account's, never one's own); audited."""
    account = get_object_or_404(selectors.accounts_visible_to(request.user), pk=pk)
    if sign_in.unlock_account(account=account, actor=request.user):
        messages.success(request, _("The account %(account)s is unlocked.") % {"account": account})
    if request.POST.get("next") == "detail":
        return redirect("people:account-detail", pk=account.pk)
    return redirect("people:account-list")


@allowed_if(_opens_accounts)
def account_create(request):
    form = StaffAccountForm(request.POST or None, town=request.town, roles=staff_accounts.grantable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff_accounts.open_account(actor=request.user, town=request.town, **data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": data["username"]})
            return redirect("people:account-list")
    return render(request, "people/account_form.html", {"form": form}, status=400 if form.errors else 200)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _managed_account(request, pk: int):
    return get_object_or_404(selectors.accounts_visible_to(request.user).select_related("town"), pk=pk)


def _account_page(request, account, *, role_form=None, disable_form=None, new_password="", status=200):
    may_manage = staff_accounts.may_manage_account(request.user, account)
    grantable_roles = staff_accounts.grantable_roles(request.user)
    context = {
        "grantable_roles": grantable_roles,
        "account": account,
        "roles": staff_accounts.roles_of_account(account),
        "may_manage": may_manage,
        "is_staff_account": account.kind == "staff",
        "active_token_count": staff_accounts.active_token_count(account),
        "role_form": role_form or RoleGrantForm(town=account.town, roles=grantable_roles, auto_id="role-%s"),
        "disable_form": disable_form or DisableAccountForm(auto_id="disable-%s"),
        "new_password": new_password,
    }
    response = render(request, "people/account_detail.html", context, status=status)
    if new_password:
        add_never_cache_headers(response)
    return response


@allowed_if(_manages_accounts)
def account_detail(request, pk: int):
    return _account_page(request, _managed_account(request, pk))


def _refused(request, account, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("people:account-detail", pk=account.pk)


@require_POST
@allowed_if(_manages_accounts)
def account_role_add(request, pk: int):
    account = _managed_account(request, pk)
    form = RoleGrantForm(
        request.POST, town=account.town, roles=staff_accounts.grantable_roles(request.user), auto_id="role-%s"
    )
    if form.is_valid():
        try:
            staff_accounts.add_role(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Role given."))
            return redirect("people:account-detail", pk=account.pk)
    return _account_page(request, account, role_form=form, status=400)


@require_POST
@allowed_if(_manages_accounts)
def account_role_withdraw(request, pk: int, role_pk: int):
    account = _managed_account(request, pk)
    assignment = get_object_or_404(staff_accounts.roles_of_account(account), pk=role_pk)
    staff_accounts.withdraw_role(actor=request.user, account=account, assignment=assignment)
    messages.success(request, _("Role withdrawn: %(role)s.") % {"role": assignment.get_role_display()})
    return redirect("people:account-detail", pk=account.pk)


@require_POST
@allowed_if(_manages_accounts)
def account_disable(request, pk: int):
    account = _managed_account(request, pk)
    form = DisableAccountForm(request.POST, auto_id="disable-%s")
    if not form.is_valid():
        return _account_page(request, account, disable_form=form, status=400)
    if staff_accounts.disable(actor=request.user, account=account, reason=form.cleaned_data["reason"]):
        messages.success(
            request, _("The account %(account)s is disabled: its sessions and tokens stopped.") % {"account": account}
        )
    return redirect("people:account-detail", pk=account.pk)


@require_POST
@allowed_if(_manages_accounts)
def account_enable(request, pk: int):
    account = _managed_account(request, pk)
    if staff_accounts.enable(actor=request.user, account=account):
        messages.success(request, _("The account %(account)s can sign in again.") % {"account": account})
    return redirect("people:account-detail", pk=account.pk)


@never_cache
@require_POST
@allowed_if(_manages_accounts)
def account_password_reset(request, pk: int):
    """A new initial password, shown on this answer only; the holder changes it at the next sign-in."""
    account = _managed_account(request, pk)
    try:
        password = staff_accounts.reset_password(actor=request.user, account=account)
    except ValidationError as error:
        return _refused(request, account, error)
    return _account_page(request, account, new_password=password)


@require_POST
@allowed_if(_manages_accounts)
def account_revoke_tokens(request, pk: int):
    account = _managed_account(request, pk)
    revoked = staff_accounts.revoke_tokens(actor=request.user, account=account)
    messages.success(request, _("API tokens revoked: %(count)s.") % {"count": revoked})
    return redirect("people:account-detail", pk=account.pk)


# ---- roster import, export, unmasking --------------------------------------------------------


def _imports(request) -> bool:
    return request.town is not None and selectors.can_import(request.user, request.town)


@allowed_if(_imports)
def import_upload(request):
    allowed, default_village = selectors.import_scope(request.user, request.town)
    villages = villages_visible_to(request.user).filter(town=request.town)
    if allowed is not None:
        villages = villages.filter(pk__in=allowed)
    form = RosterUploadForm(request.POST or None, request.FILES or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["roster"]
        try:
            batch = services.upload_roster(
                actor=request.user,
                town=request.town,
                file_name=upload.name,
                content=upload.read(),
                allowed_village_ids=allowed,
                default_village=form.cleaned_data["village"] or default_village,
            )
        except RosterError as error:
            form.add_error("roster", str(error))
        else:
            return redirect("people:import-detail", pk=batch.pk)
    batches = selectors.import_batches_visible_to(request.user, request.town)[:10]
    status = 400 if form.errors else 200  # a refused upload (unreadable, too large a sheet) is a 400
    return render(request, "people/import_upload.html", {"form": form, "batches": batches}, status=status)


@allowed_if(_imports)
def import_detail(request, pk: int):
    batch = selectors.get_import_batch_for(request.user, request.town, pk)
    if request.method == "POST":
        try:
            batch = services.confirm_import(
                actor=request.user, batch=batch, skip_invalid=request.POST.get("skip_invalid") == "on"
            )
        except ValueError as error:
            messages.error(request, str(error))
        return redirect("people:import-detail", pk=batch.pk)
    template = "people/_import_status.html" if request.GET.get("partial") == "status" else "people/import_detail.html"
    problems = batch.problems
    return render(
        request,
        template,
        {"batch": batch, "problems": problems[:500], "problem_count": len(problems), "summary": batch.summary},
    )


@allowed_if(_imports)
def import_report(request, pk: int):
    batch = selectors.get_import_batch_for(request.user, request.town, pk)
    data = services.import_report(actor=request.user, batch=batch)
    return _xlsx_response(data, f"import-report-{batch.pk}.xlsx")


def _xlsx_response(data: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@never_cache
@allowed_if(_reads_register)
def register_export(request):
    """The register as .xlsx; with ``unmasked=1`` the stated ``reason`` is required (a form asks again
    without one). Never cached: an unmasked file holds the numbers in clear."""
    village_id = request.GET.get("village", "")
    tag_id = request.GET.get("tag", "")
    filters = {
        "village_id": parse_id(village_id),
        "tag_id": parse_id(tag_id),
    }
    ask_unmasked = request.GET.get("unmasked") == "1"
    try:
        data = services.export_register(
            actor=request.user,
            town=request.town,
            ask_unmasked=ask_unmasked,
            reason=request.GET.get("reason"),
            **filters,
        )
    except ValidationError as error:
        form = UnmaskReasonForm(request.GET, auto_id="export-%s")
        form.is_valid()
        for message in error.message_dict.get("reason", []):
            if message not in form.errors.get("reason", []):
                form.add_error("reason", message)
        context = {"form": form, "village": filters["village_id"] or "", "tag": filters["tag_id"] or ""}
        return render(request, "people/export_reason.html", context, status=400)
    return _xlsx_response(data, f"register-{request.town.slug}.xlsx")


@never_cache
@require_POST
@allowed_if(_reads_register)
def person_unmask(request, pk: int):
    person = selectors.get_person_for(request.user, pk)
    if not selectors.can_unmask(request.user, person):
        raise PermissionDenied
    form = UnmaskReasonForm(request.POST, auto_id="unmask-%s")
    if not form.is_valid():
        context = {**_person_context(request, person), "unmask_form": form}
        return render(request, "people/person_detail.html", context, status=400)
    revealed = services.reveal_personal_numbers(actor=request.user, person=person, reason=form.cleaned_data["reason"])
    return render(
        request,
        "people/person_detail.html",
        {**_person_context(request, person), "revealed": revealed},
    )


# ---- residents' accounts, opened at the centre ---------------------------------------------------


def _managed_resident(request, pk: int):
    person = selectors.get_person_for(request.user, pk)
    if not resident_accounts.can_manage_resident_accounts(request.user, person):
        raise PermissionDenied
    return person


def _slip(request, person, issued):
    """The slip to print and hand over: town, name, village, the code and its QR; never an ID or phone.
    Shown once (the code is kept only as a hash), so the answer is never cached."""
    response = render(
        request,
        "people/activation_slip.html",
        {"person": person, "issued": issued, "qr": segno.make(issued.activation_url, error="m").svg_data_uri(scale=4)},
    )
    add_never_cache_headers(response)
    return response


@require_POST
@allowed_if(_reads_register)
def person_account_open(request, pk: int):
    """开通账号: a pending resident account and its activation slip."""
    person = _managed_resident(request, pk)
    form = OpenResidentAccountForm(request.POST)
    if form.is_valid():
        try:
            issued = resident_accounts.open_resident_account(
                person=person, actor=request.user, phone=form.cleaned_data["phone"] or None
            )
        except resident_accounts.AccountExistsError:
            messages.error(request, _("This person already has an account."))
        except ValidationError as error:
            for field, texts in error.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            return _slip(request, person, issued)
    context = _person_context(request, person) | {"open_account_form": form}
    return render(request, "people/person_detail.html", context, status=400 if form.errors else 200)


@require_POST
@allowed_if(_reads_register)
def person_account_reset(request, pk: int):
    """A new activation code (a forgotten PIN, a lost slip): the old code and PIN stop at once."""
    person = _managed_resident(request, pk)
    try:
        issued = resident_accounts.reset_resident_account(person=person, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("people:person-detail", pk=person.pk)
    return _slip(request, person, issued)


@require_POST
@allowed_if(_reads_register)
def person_phone_change(request, pk: int):
    """The centre changes the register's phone (checked, encrypted, audited); the account follows."""
    person = _managed_resident(request, pk)
    form = PersonPhoneForm(request.POST, auto_id="phone-%s")
    if form.is_valid():
        try:
            resident_accounts.set_person_phone(person=person, phone=form.cleaned_data["phone"], actor=request.user)
        except ValidationError as error:
            form.add_error("phone", error.message_dict.get("phone", error.messages))
        else:
            messages.success(request, _("The phone number is changed; the person's account follows it."))
            return redirect("people:person-detail", pk=person.pk)
    context = _person_context(request, person) | {"phone_form": form}
    return render(request, "people/person_detail.html", context, status=400)
