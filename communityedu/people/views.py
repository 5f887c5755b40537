"""The register of people, scoped: a village's director sees that village's residents only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communityedu.core.views import allowed_if
from communityedu.organization.permissions import is_town_office
from communityedu.organization.selectors import villages_visible_to
from communityedu.people import selectors, services
from communityedu.people.forms import StaffAccountForm

PAGE_SIZE = 50


def _reads_register(request) -> bool:
    return request.town is not None and selectors.can_read_register(request.user)


@allowed_if(_reads_register)
def person_list(request):
    village_id = request.GET.get("village", "")
    village_id = int(village_id) if village_id.isdigit() else None
    query = request.GET.get("q", "")[:50]
    people = selectors.person_list(user=request.user, town=request.town, village_id=village_id, query=query)
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
            "query": query,
        },
    )


@allowed_if(_reads_register)
def person_detail(request, pk: int):
    person = selectors.get_person_for(request.user, pk)
    return render(
        request,
        "people/person_detail.html",
        {"person": person, "roles": selectors.roles_of(person), "positions": person.positions.select_related("unit")},
    )


def _manages_accounts(request) -> bool:
    return selectors.can_manage_accounts(request.user)


@allowed_if(_manages_accounts)
def account_list(request):
    accounts = selectors.account_list(user=request.user, town=request.town)
    can_create = request.town is not None and is_town_office(request.user, request.town)
    return render(request, "people/account_list.html", {"accounts": accounts, "can_create": can_create})


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
