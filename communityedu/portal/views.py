"""The residents' side, mobile first. Anyone may open the home page; signed-in residents see their own."""

from django.shortcuts import render

from communityedu.organization.models import Town


def home(request):
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    town = person.town if person else (request.town or Town.objects.order_by("id").first())
    return render(request, "portal/home.html", {"person": person, "town": town})
