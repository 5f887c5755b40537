"""Sets ``request.town``: the town the staff pages show.

An account of one town always works in it. An evaluator or administrator, who reads several,
picks one (kept in the session); the gates still decide what any page may show. The JSON API
names its town in each call and never reads ``request.town``, so its requests skip the lookup.
"""

from communityedu.organization.selectors import towns_visible_to

SESSION_KEY = "current_town_id"
API_PREFIX = "/api/"


class CurrentTownMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.town = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path_info.startswith(API_PREFIX):
            request.town = current_town(request)
        return self.get_response(request)


def current_town(request):
    towns = towns_visible_to(request.user)
    chosen = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if chosen:
        town = towns.filter(pk=chosen).first()
        if town:
            return town
    home = request.user.town_id
    return (towns.filter(pk=home).first() if home else None) or towns.first()
