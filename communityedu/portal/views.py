"""The residents' side, mobile first: home, upcoming activities and registration, check-in at the
venue, the learning card. Everything works as plain forms; scripts only improve it."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.activities import selectors as activity_selectors
from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.models import Activity, Registration
from communityedu.activities.reminders import selectors as reminder_selectors
from communityedu.activities.views.attendance import qr_svg
from communityedu.core.ratelimit import rate_limited
from communityedu.news import selectors as news_selectors
from communityedu.organization.models import Town
from communityedu.people.selectors import person_for_account
from communityedu.portal import reading as reading_preferences
from communityedu.portal.errors import error_page


def _town_for(request, person):
    return person.town if person else (request.town or Town.objects.order_by("id").first())


def home(request):
    person = person_for_account(request.user)
    town = _town_for(request, person)
    upcoming = list(activity_selectors.upcoming_for_residents(town=town)[:5]) if town else []
    news = news_selectors.latest_for_portal(town)
    tomorrow = reminder_selectors.registered_tomorrow(person) if person else []
    return render(
        request,
        "portal/home.html",
        {"person": person, "town": town, "upcoming": upcoming, "news": news, "tomorrow": tomorrow},
    )


def activity_list(request):
    person = person_for_account(request.user)
    town = _town_for(request, person)
    activities = list(activity_selectors.upcoming_for_residents(town=town)) if town else []
    registered = (
        set(Registration.objects.filter(person=person, is_cancelled=False).values_list("activity_id", flat=True))
        if person
        else set()
    )
    return render(
        request,
        "portal/activities.html",
        {"person": person, "town": town, "activities": activities, "registered_ids": registered},
    )


def activity_detail(request, pk: int):
    """One activity for residents, with its questions and comments."""
    person = person_for_account(request.user)
    town = _town_for(request, person)
    activity = get_object_or_404(
        Activity.objects.select_related("organiser", "venue_unit", "village", "town"), pk=pk, town=town
    )
    activity.registered = activity_selectors.registered_count(activity)
    is_registered = (
        bool(person) and Registration.objects.filter(person=person, activity=activity, is_cancelled=False).exists()
    )
    return render(
        request,
        "portal/activity.html",
        {"person": person, "town": town, "activity": activity, "is_registered": is_registered},
    )


def _resident_or_refuse(request):
    """The signed-in resident's own person record; visitors are sent to sign in, staff refused."""
    person = person_for_account(request.user)
    if person is None and request.user.is_authenticated:
        raise PermissionDenied
    return person


def _to_resident_sign_in(request):
    return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")


@require_POST
def register(request, pk: int):
    person = _resident_or_refuse(request)
    if person is None:
        return _to_resident_sign_in(request)
    activity = get_object_or_404(Activity, pk=pk, town=person.town)
    try:
        if request.POST.get("action") == "cancel":
            activity_services.cancel_registration(person=person, activity=activity, actor=request.user)
            messages.success(request, _("Your registration is cancelled."))
        else:
            activity_services.register(person=person, activity=activity, actor=request.user)
            messages.success(request, _("You are registered. See you there!"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("portal:activities")


@rate_limited("self-check-in")
def check_in(request, token: str):
    """The page the venue's code opens: sign in with phone and PIN, then one button. Before the tap
    the page says where the activity stands (not yet open, open, closed) and whether this resident
    has already checked in; an unknown code is a 404 that says to ask the staff."""
    activity = Activity.objects.select_related("town", "organiser", "venue_unit").filter(check_in_token=token).first()
    if activity is None:
        return error_page(
            request,
            status=404,
            title=_("Check-in code not valid"),
            message=_("This check-in code has expired or is not valid. Please ask the staff."),
        )
    if not request.user.is_authenticated:
        return _to_resident_sign_in(request)
    person = person_for_account(request.user)
    result, refusal = None, None
    if request.method == "POST":
        if person is None:
            refusal = _("Only residents with their own account can check themselves in.")
        else:
            try:
                result = activity_services.check_in(
                    activity=activity, person=person, source=AttendanceSource.VENUE_QR, recorded_by=request.user
                )
            except activity_services.CheckInError as error:
                refusal = str(error)
    opens_at, closes_at = activity_services.check_in_window(activity)
    return render(
        request,
        "portal/check_in.html",
        {
            "activity": activity,
            "person": person,
            "result": result,
            "refusal": refusal,
            "state": activity_services.check_in_state(activity),
            "opens_at": opens_at,
            "closes_at": closes_at,
            "is_checked_in": result is not None
            or (person is not None and activity_selectors.has_checked_in(activity, person)),
        },
    )


def learning_card(request):
    person = _resident_or_refuse(request)
    if person is None:
        return _to_resident_sign_in(request)
    card = activity_services.issue_learning_card(person=person, actor=request.user)
    return render(request, "portal/card.html", {"person": person, "card": card})


def learning_card_code(request):
    person = _resident_or_refuse(request)
    if person is None:
        return _to_resident_sign_in(request)
    return qr_svg(activity_services.issue_learning_card(person=person, actor=request.user).token)


@require_POST
def reading(request):
    """One tap: switch 长辈模式 (age-friendly mode) on or off, or make the text larger or smaller;
    then back to the page the person was on. A plain form, so it works without scripts."""
    current = reading_preferences.preferences_from_cookies(request.COOKIES)
    chosen = reading_preferences.changed_preferences(
        current, mode=request.POST.get("mode"), size=request.POST.get("size")
    )
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("portal:home")
    response = redirect(next_url)
    cookie = {"max_age": reading_preferences.COOKIE_MAX_AGE, "samesite": "Lax", "httponly": True}
    mode = reading_preferences.ELDER if chosen.is_elder else reading_preferences.STANDARD
    response.set_cookie(reading_preferences.MODE_COOKIE, mode, secure=request.is_secure(), **cookie)
    response.set_cookie(reading_preferences.SIZE_COOKIE, str(chosen.text_size), secure=request.is_secure(), **cookie)
    return response
