"""The register of people, scoped: a village's director sees that village's residents only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from communityedu.accounts import sign_in
from communityedu.activities import services as activity_services
from communityedu.activities.permissions import can_reissue_learning_card
from communityedu.core.parsing import parse_id
from communityedu.core.views import allowed_if
from communityedu.organization.permissions import is_town_office
from communityedu.organization.selectors import villages_visible_to
from communityedu.people import selectors, services
from communityedu.people.forms import RosterUploadForm, StaffAccountForm, UnmaskReasonForm
from communityedu.people.roster import RosterError

PAGE_SIZE = 50


def _reads_register(request) -> bool:
    return request.town is not None and selectors.can_read_register(request.user)


@allowed_if(_reads_register)
def person_list(request):
    village_id = parse_id(request.GET.get("village"))
    tag_id = parse_id(request.GET.get("tag"))
    query = request.GET.get("q", "")[:50]
    people = selectors.person_list(
        user=request.user, town=request.town, village_id=village_id, query=query, tag_id=tag_id
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
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
            "can_import": selectors.can_import(request.user, request.town),
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


def _manages_accounts(request) -> bool:
    return selectors.can_manage_accounts(request.user)


@allowed_if(_manages_accounts)
def account_list(request):
    accounts = selectors.account_list(user=request.user, town=request.town)
    can_create = request.town is not None and is_town_office(request.user, request.town)
    return render(request, "people/account_list.html", {"accounts": accounts, "can_create": can_create})


@require_POST
@allowed_if(_manages_accounts)
def account_unlock(request, pk: int):
    """Lift a locked account's lock (another office account's, never one's own); audited."""
    account = get_object_or_404(selectors.accounts_visible_to(request.user), pk=pk)
    if sign_in.unlock_account(account=account, actor=request.user):
        messages.success(request, _("The account %(account)s is unlocked.") % {"account": account})
    return redirect("people:account-list")


@allowed_if(lambda request: request.town is not None and is_town_office(request.user, request.town))
def account_create(request):
    form = StaffAccountForm(request.POST or None, town=request.town)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.open_staff_account(actor=request.user, town=request.town, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": data["username"]})
            return redirect("people:account-list")
    return render(request, "people/account_form.html", {"form": form})


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
