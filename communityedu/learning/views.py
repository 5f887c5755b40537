"""The learning platform's pages: the residents' library (mobile first) and the units' shelf.

Readers — anyone signed in to a town — browse, search and open its published resources; a
resident's progress is kept as they learn. The learning record (学习档案) is a resident's own.
Units keep their resources on the staff pages. Everything works as plain links and forms;
``static/js/learning.js`` only reports the player's position as it plays.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.activities import selectors as activity_selectors
from communityedu.core.ratelimit import rate_limited
from communityedu.core.views import allowed_if
from communityedu.incentives import selectors as incentive_selectors
from communityedu.learning import permissions, selectors, services
from communityedu.learning.constants import MEDIA_KINDS, STREAMED_KINDS
from communityedu.learning.forms import ProgressForm, ResourceForm
from communityedu.learning.ranges import ranged_file_response
from communityedu.people.selectors import person_for_account

PAGE_SIZE = 20


def _reading_town(request, person=None):
    """The town whose library the reader sees: a resident's own, otherwise the current one."""
    person = person if person is not None else person_for_account(request.user)
    return person.town if person else request.town


def reader_page(view):
    """Readers of the town's library only; visitors are sent to the residents' sign-in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")
        request.person = person_for_account(request.user)
        request.library_town = _reading_town(request, request.person)
        if not permissions.reads_library(request.user, request.library_town):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@reader_page
def library(request):
    town = request.library_town
    services.ensure_categories(town=town)
    return render(
        request,
        "learning/library.html",
        {
            "town": town,
            "categories": selectors.categories_with_counts(town),
            "newest": selectors.newest(town=town),
            "popular": selectors.most_viewed(town=town, limit=5),
            "continuing": selectors.continue_learning(person=request.person) if request.person else [],
        },
    )


@reader_page
@rate_limited("search", methods=("GET",))
def search(request):
    query = request.GET.get("q", "").strip()[:60]
    results = selectors.search(town=request.library_town, query=query) if query else []
    return render(request, "learning/search.html", {"query": query, "results": results})


@reader_page
def category(request, pk: int):
    chosen = selectors.get_category_for(request.user, pk)
    page = Paginator(selectors.in_category(town=chosen.town, category=chosen), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "learning/category.html", {"category": chosen, "page_obj": page})


@reader_page
def resource_detail(request, pk: int):
    resource = selectors.get_published_resource_for(request.user, pk)
    opened = services.open_resource(resource=resource, person=request.person)
    return render(
        request,
        "learning/resource.html",
        {
            "resource": resource,
            "progress": opened.progress,
            "resume_at": opened.resume_at,
            "is_streamed": resource.kind in STREAMED_KINDS,
            "is_resident": request.person is not None and request.person.town_id == resource.town_id,
        },
    )


@reader_page
def resource_media(request, pk: int):
    """The resource's stored file, streamed with Range support (seeking in a video on a phone)."""
    resource = selectors.get_published_resource_for(request.user, pk)
    if resource.kind not in MEDIA_KINDS or not resource.media_file:
        raise Http404
    response = ranged_file_response(request, resource.media_file, content_type=resource.media_type)
    response["Content-Disposition"] = "inline"
    return response


@reader_page
def resource_captions(request, pk: int):
    """The captions of a video or recording, as WebVTT for the player's ``<track>``."""
    resource = selectors.get_published_resource_for(request.user, pk)
    if resource.kind not in STREAMED_KINDS or not resource.captions_file:
        raise Http404
    with resource.captions_file.open("rb") as stored:
        return HttpResponse(stored.read(), content_type="text/vtt; charset=utf-8")


@require_POST
@reader_page
def progress(request, pk: int):
    """Where the resident is: posted by the player every few seconds, or by the "done" button."""
    person = request.person
    if person is None:
        raise PermissionDenied
    resource = selectors.get_published_resource_for(request.user, pk)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    data = form.cleaned_data
    try:
        services.record_progress(
            person=person,
            resource=resource,
            position_seconds=data["position"],
            percent=data["percent"],
            elapsed_seconds=data["elapsed"] or 0,
            is_complete=data["complete"],
        )
    except ValidationError:
        raise PermissionDenied from None
    if request.POST.get("via") == "script":
        return HttpResponse(status=204)
    if data["complete"]:
        messages.success(request, _("Well done: marked as completed."))
    return redirect("learning:resource", pk=resource.pk)


def learning_record(request):
    """The resident's learning record (学习档案): organised activities attended, online learning
    and certificates, printable."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")
    person = person_for_account(request.user)
    if person is None:
        raise PermissionDenied
    attended = list(activity_selectors.attended_by(person))
    return render(
        request,
        "learning/record.html",
        {
            "person": person,
            "attended": attended,
            "online": selectors.online_learning_of(person),
            "certificates": list(incentive_selectors.certificates_of(person)),
        },
    )


def _keeps_library(request) -> bool:
    return permissions.keeps_library(request.user, request.town)


@allowed_if(_keeps_library)
def shelf(request):
    resources = selectors.resources_kept_by(request.user, request.town).order_by("-updated_at", "-id")
    page = Paginator(resources, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/shelf.html", {"page_obj": page})


def _resource_form(request, resource=None):
    services.ensure_categories(town=request.town)
    initial = {}
    if resource is not None:
        initial = {
            name: getattr(resource, name)
            for name in ("kind", "title", "summary", "body", "category", "tags", "audience", "owner_unit")
        } | {"duration_seconds": resource.duration_seconds, "link_url": resource.link_url}
    return ResourceForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        categories=selectors.categories_of(request.town),
        owner_units=permissions.owner_units_for(request.user, request.town),
    )


def _save(request, form, resource=None):
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_resource(
                actor=request.user,
                town=request.town,
                values=form.values(),
                upload=request.FILES.get("media_file"),
                captions_upload=request.FILES.get("captions_file"),
                resource=resource,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return saved
    return None


@allowed_if(_keeps_library)
def resource_create(request):
    form = _resource_form(request)
    saved = _save(request, form)
    if saved:
        return redirect("learning:edit", pk=saved.pk)
    return render(request, "learning/resource_form.html", {"form": form, "resource": None})


@allowed_if(_keeps_library)
def resource_edit(request, pk: int):
    resource = selectors.get_kept_resource_for(request.user, request.town, pk)
    if not permissions.can_edit_resource(request.user, resource):
        raise PermissionDenied
    form = _resource_form(request, resource)
    saved = _save(request, form, resource)
    if saved:
        return redirect("learning:edit", pk=saved.pk)
    return render(request, "learning/resource_form.html", {"form": form, "resource": resource})


@require_POST
@allowed_if(_keeps_library)
def resource_publish(request, pk: int):
    resource = selectors.get_kept_resource_for(request.user, request.town, pk)
    is_published = request.POST.get("action") != "withdraw"
    services.set_published(actor=request.user, resource=resource, is_published=is_published)
    messages.success(request, _("Published.") if is_published else _("Taken back from residents."))
    return redirect("learning:edit", pk=resource.pk)
