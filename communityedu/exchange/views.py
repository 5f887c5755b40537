"""Exchange pages: posting to a thread, answering, reporting; the moderation queue and policy.

The thread itself is drawn on the pages of the objects it belongs to (``{% thread obj %}``); these
views take its forms and send the reader back. Every form works as a plain POST; the queue's
buttons are improved by htmx, which swaps the one row they act on.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.exchange import permissions, selectors, services
from communityedu.exchange.constants import PostStatus
from communityedu.exchange.forms import PolicyForm

QUEUE_PAGE_SIZE = 30


def _back(request, fallback: str = "/"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _takes_part(request) -> bool:
    return permissions.takes_part_anywhere(request.user)


def _answers(request) -> bool:
    return permissions.answers_anywhere(request.user)


def _moderates_here(request) -> bool:
    return request.town is not None and permissions.can_moderate(request.user, request.town.pk)


def _moderates(request) -> bool:
    return permissions.moderates_anywhere(request.user)


@require_POST
@allowed_if(_takes_part)
def create_post(request):
    target = selectors.get_target_for(request.user, request.POST.get("target"), request.POST.get("id"))
    try:
        post = services.create_post(
            author=request.user, target=target, kind=request.POST.get("kind", ""), body=request.POST.get("body", "")
        )
    except ValidationError as error:
        _error(request, error)
    else:
        if post.status == PostStatus.PENDING:
            messages.success(request, _("Thank you. Your post will appear once a moderator has read it."))
        else:
            messages.success(request, _("Posted."))
    return _back(request)


@require_POST
@allowed_if(_answers)
def answer(request, pk: int):
    question = selectors.get_visible_post_for(request.user, pk)
    try:
        services.answer_question(author=request.user, question=question, body=request.POST.get("body", ""))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Your answer is published."))
    return _back(request)


@require_POST
@allowed_if(_takes_part)
def report(request, pk: int):
    post = selectors.get_visible_post_for(request.user, pk)
    try:
        services.report_post(reporter=request.user, post=post, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        _error(request, error)
    else:
        messages.success(request, _("Thank you. A moderator will look at it."))
    return _back(request)


@allowed_if(_moderates_here)
def queue(request):
    show = request.GET.get("show") if request.GET.get("show") in selectors.QUEUE_VIEWS else "pending"
    posts = selectors.moderation_queue(request.user, request.town, show).prefetch_related("target")
    page = Paginator(posts, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/queue.html",
        {
            "posts": page.object_list,
            "page": page,
            "show": show,
            "counts": selectors.queue_counts(request.user, request.town),
        },
    )


@require_POST
@allowed_if(_moderates)
def moderate(request, pk: int):
    post = selectors.get_post_for_moderation(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            post = services.approve_post(actor=request.user, post=post)
        elif action == "hide":
            post = services.hide_post(actor=request.user, post=post, reason=request.POST.get("reason", ""))
        elif action == "restore":
            post = services.restore_post(actor=request.user, post=post)
        else:
            raise ValidationError(_("Choose approve, hide or restore."))
    except ValidationError as error:
        if request.headers.get("HX-Request"):
            return render(request, "exchange/_queue_row.html", {"post": post, "error": " ".join(error.messages)})
        _error(request, error)
    else:
        if request.headers.get("HX-Request"):
            return render(request, "exchange/_queue_row.html", {"post": post, "done": True})
        messages.success(request, _("Done: %(status)s.") % {"status": post.get_status_display()})
    return _back(request, fallback="exchange:queue")


@allowed_if(_moderates_here)
def policy(request):
    current = selectors.policy_for(request.town)
    form = PolicyForm(
        request.POST or None,
        initial={
            "review_policy": current.review_policy,
            "report_threshold": current.report_threshold,
            "banned_words": current.banned_words,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_policy(actor=request.user, town=request.town, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("exchange:policy")
    return render(request, "exchange/policy.html", {"form": form, "policy": current})
