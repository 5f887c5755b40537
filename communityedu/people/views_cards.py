"""Learning cards in bulk (打印学习卡): choose a village, a tag or an import batch, see how many cards
of each kind it makes, print them as one PDF — at once, or as a background job above 200 cards,
whose page shows its progress and then the download (``activities/cards.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from communityedu.activities import cards
from communityedu.core.parsing import parse_id
from communityedu.core.views import allowed_if
from communityedu.people.selectors import tags_of_town

RECENT_PRINTS = 10
RECENT_BATCHES = 50
CHOICES = (cards.VILLAGE, cards.TAG, cards.IMPORT_BATCH)


def _prints_cards(request) -> bool:
    return cards.may_print_cards(request.user, request.town)


def _chosen(data) -> tuple[str, int | None]:
    """``for=village:12`` (the page's one select), or ``village=12`` / ``tag=`` / ``import_batch=``
    (links from the register)."""
    kind, _colon, number = (data.get("for") or "").partition(":")
    if kind in CHOICES:
        return kind, parse_id(number)
    for kind in CHOICES:
        if data.get(kind):
            return kind, parse_id(data.get(kind))
    return "", None


def _selection(request, kind: str, pk: int | None) -> cards.Selection:
    return cards.select_people(
        user=request.user,
        town=request.town,
        village_id=pk if kind == cards.VILLAGE else None,
        tag_id=pk if kind == cards.TAG else None,
        import_batch_id=pk if kind == cards.IMPORT_BATCH else None,
    )


def _choice_groups(request) -> list[tuple[str, list[tuple[str, str]]]]:
    town, user = request.town, request.user
    batches = cards.printable_import_batches(user, town)[:RECENT_BATCHES]
    return [
        (_("Village/community"), [(f"village:{v.pk}", v.name) for v in cards.printable_villages(user, town)]),
        (_("Tag"), [(f"tag:{tag.pk}", tag.name) for tag in tags_of_town(town)]),
        (
            _("Import batch"),
            [(f"import_batch:{b.pk}", f"{b.file_name} ({timezone.localtime(b.created_at):%Y-%m-%d})") for b in batches],
        ),
    ]


def _pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    add_never_cache_headers(response)  # it carries activation codes
    return response


@never_cache
@allowed_if(_prints_cards)
def print_cards(request):
    """GET: the choice and, once chosen, what printing makes. POST: print."""
    data = request.POST if request.method == "POST" else request.GET
    kind, pk = _chosen(data)
    plan = error = None
    status = 200
    if kind:
        try:
            selection = _selection(request, kind, pk)
            if request.method == "POST":
                result = cards.print_cards(actor=request.user, town=request.town, selection=selection)
                if result.pdf is not None:
                    return _pdf_response(result.pdf, f"learning-cards-{result.job.pk}.pdf")
                messages.success(request, _("The cards are being printed: this page shows when the PDF is ready."))
                return redirect("people:card-print", pk=result.job.pk)
            plan = cards.plan_cards(selection)
        except ValidationError as refusal:
            error, status = " ".join(refusal.messages), 400
    elif request.method == "POST":
        error, status = _("Choose a village, a tag or an import batch."), 400
    return render(
        request,
        "people/cards.html",
        {
            "chosen": f"{kind}:{pk}" if kind and pk else "",
            "choice_groups": _choice_groups(request),
            "plan": plan,
            "reason_labels": cards.REASON_LABELS,
            "inline_cards": cards.INLINE_CARDS,
            "error": error,
            "recent": cards.print_jobs_visible_to(request.user, request.town)[:RECENT_PRINTS],
        },
        status=status,
    )


@never_cache
@allowed_if(_prints_cards)
def card_print(request, pk: int):
    """A print's progress, then its download (htmx refreshes the status while it runs)."""
    job = cards.get_print_job_for(request.user, request.town, pk)
    context = {"job": job, "has_pdf": cards.has_pdf(job), "reason_labels": cards.REASON_LABELS}
    if request.GET.get("partial") == "status":
        return render(request, "people/_card_print_status.html", context)
    return render(request, "people/card_print.html", context)


@never_cache
@allowed_if(_prints_cards)
def card_print_pdf(request, pk: int):
    """The kept PDF: whoever printed it and the town office, until it expires."""
    job = cards.get_print_job_for(request.user, request.town, pk)
    try:
        pdf = cards.download_pdf(actor=request.user, job=job)
    except cards.PdfNotReadyError:
        messages.error(request, _("The PDF is not ready: this print has not finished."))
        return redirect("people:card-print", pk=job.pk)
    except cards.PdfExpiredError:
        messages.error(request, _("The PDF is no longer kept: print the cards again (the codes are renewed)."))
        return redirect("people:card-print", pk=job.pk)
    return _pdf_response(pdf, f"learning-cards-{job.pk}.pdf")
