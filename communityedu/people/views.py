"""The register of people, scoped: a village's director sees that village's residents only."""

from django.core.paginator import Paginator
from django.shortcuts import render

from communityedu.core.views import allowed_if
from communityedu.organization.selectors import villages_visible_to
from communityedu.people import selectors

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
