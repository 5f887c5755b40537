"""The residents' side, mobile first. Anyone may open the home page; signed-in residents see their own."""

from django.shortcuts import render

from communityedu.organization.models import Town
from communityedu.people.selectors import person_for_account


def home(request):
    person = person_for_account(request.user)
    town = person.town if person else (request.town or Town.objects.order_by("id").first())
    return render(request, "portal/home.html", {"person": person, "town": town})
