"""News pages: the residents' list and item (open to everyone), the editors' list and form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.images import phone_file
from communityedu.core.views import allowed_if
from communityedu.news import permissions, selectors, services
from communityedu.news.constants import NewsKind
from communityedu.news.forms import NewsItemForm, initial_from
from communityedu.news.models import NewsItem
from communityedu.organization.models import Town
from communityedu.people.selectors import person_for_account

PAGE_SIZE = 20


def _public_town(request):
    """The resident's own town; for staff the town they work in; for visitors the first town."""
    person = person_for_account(request.user)
    if person is not None:
        return person.town
    return request.town or Town.objects.order_by("id").first()


def public_list(request):
    town = _public_town(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in NewsKind.values else None
    items = selectors.published_in(town, kind=kind) if town else NewsItem.objects.none()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "news/list.html",
        {
            "town": town,
            "items": page.object_list,
            "page": page,
            "extra_query": f"kind={kind}" if kind else "",
            "kind": kind,
            "kinds": NewsKind.choices,
        },
    )


def public_detail(request, pk: int):
    town = _public_town(request)
    if town is None:
        raise Http404
    return render(request, "news/detail.html", {"item": selectors.get_published_item(town, pk)})


def cover(request, pk: int):
    town = _public_town(request)
    if town is None:
        raise Http404
    item = selectors.get_published_item(town, pk)
    if not item.cover:
        raise Http404
    return FileResponse(phone_file(item.cover))


def _writes(request) -> bool:
    return permissions.can_write_news(request.user, request.town)


@allowed_if(_writes)
def manage(request):
    page = Paginator(selectors.items_editable_by(request.user, request.town), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "news/manage.html", {"items": page.object_list, "page": page})


def _save(request, item=None):
    units = permissions.news_units_for(request.user, request.town)
    form = NewsItemForm(
        request.POST or None,
        request.FILES or None,
        town=request.town,
        units=units,
        initial=initial_from(item) if item else {"publish_on": timezone.localdate(), "kind": NewsKind.NEWS},
    )
    if request.method == "POST" and form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "cover"}
        try:
            item = services.save_item(
                actor=request.user, town=request.town, values=values, item=item, cover=form.cleaned_data["cover"]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("news:manage-edit", pk=item.pk)
    return render(request, "news/form.html", {"form": form, "item": item})


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@allowed_if(_writes)
def create(request):
    return _save(request)


@allowed_if(_writes)
def edit(request, pk: int):
    return _save(request, selectors.get_item_for_editing(request.user, request.town, pk))


@require_POST
@allowed_if(_writes)
def publish(request, pk: int):
    item = selectors.get_item_for_editing(request.user, request.town, pk)
    if request.POST.get("action") == "unpublish":
        services.unpublish_item(actor=request.user, item=item)
        messages.success(request, _("Withdrawn: residents no longer see it."))
    else:
        services.publish_item(actor=request.user, item=item)
        messages.success(request, _("Published."))
    return redirect("news:manage-edit", pk=item.pk)
