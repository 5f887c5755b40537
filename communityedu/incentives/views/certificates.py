"""Certificates (证明): issuing one, its PDF, revoking it, a year's batch, and the public check.

Staff find certificates through their town (another town's certificate is simply not found); a
teacher or volunteer may open the PDFs of their own. The verification page is public: whoever
holds the printed certificate — the employer's clerk — scans its code without signing in.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from communityedu.core.parsing import parse_year
from communityedu.core.views import allowed_if
from communityedu.incentives import permissions, selectors, services, tasks
from communityedu.incentives.models import Certificate
from communityedu.incentives.pdf import certificate_pdf, points_text
from communityedu.metrics.points import points_statement
from communityedu.people.models import Person
from communityedu.people.selectors import person_for_account

CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{8,40}")


def _reads(request) -> bool:
    return permissions.reads_incentives(request.user, request.town)


def _manages(request) -> bool:
    return permissions.manages_incentives(request.user, request.town)


def _signed_in(request) -> bool:
    return True  # who may open which certificate is decided by the look-up (_readable_certificates)


def _year(text: str | None) -> int | None:
    return parse_year(text)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _town_certificates(request):
    return Certificate.objects.filter(town=request.town).select_related("person", "issuing_unit")


def _readable_certificates(request):
    """Staff who read the town's incentives see its certificates; anyone else only their own."""
    if _reads(request):
        return _town_certificates(request)
    person = person_for_account(request.user)
    if person is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(town_id=person.town_id, person=person).select_related("person", "issuing_unit")


def _statement_url(person_id: int, year: int) -> str:
    return f"{reverse('incentives:statement', args=[person_id])}?year={year}"


@require_POST
@allowed_if(_manages)
def certificate_issue(request, person_id: int):
    person = get_object_or_404(Person.objects.filter(town=request.town).select_related("town"), pk=person_id)
    year = _year(request.POST.get("year"))
    if year is None:
        messages.error(request, _("Choose the assessment year of the certificate."))
        return redirect("incentives:statement", person_id=person.pk)
    issuing_unit = selectors.issuing_unit_of(request.town)
    if issuing_unit is None:
        messages.error(request, _("The town has no community school in its structure to issue certificates."))
        return redirect(_statement_url(person.pk, year))
    try:
        certificate = services.issue_certificate(
            actor=request.user,
            person=person,
            year=year,
            statement=points_statement(person=person, year=year),
            issuing_unit=issuing_unit,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Certificate %(serial)s issued.") % {"serial": certificate.serial})
    return redirect(_statement_url(person.pk, year))


@require_GET
@never_cache
@allowed_if(_signed_in)
def certificate_pdf_view(request, pk: int):
    certificate = get_object_or_404(_readable_certificates(request), pk=pk)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{certificate.serial}.pdf")
    return response


@require_POST
@allowed_if(_manages)
def certificate_revoke(request, pk: int):
    certificate = get_object_or_404(_town_certificates(request), pk=pk)
    try:
        services.revoke_certificate(actor=request.user, certificate=certificate, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial})
    return redirect(_statement_url(certificate.person_id, certificate.year))


@allowed_if(_reads)
def certificate_batch(request):
    """A year's certificates: start issuing them for the whole team (POST), watch it go (GET)."""
    if request.method == "POST":
        if not _manages(request):
            raise PermissionDenied
        year = _year(request.POST.get("year"))
        if year is None:
            messages.error(request, _("Choose the assessment year of the certificates."))
            return redirect("incentives:certificate-batch")
        try:
            tasks.start_batch(actor=request.user, town=request.town, year=year)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("The certificates for %(year)s are being issued.") % {"year": year})
        return redirect(f"{reverse('incentives:certificate-batch')}?year={year}")
    year = _year(request.GET.get("year")) or timezone.localdate().year
    progress = tasks.batch_progress(town=request.town, year=year)
    certificates = _town_certificates(request).filter(year=year).order_by("serial")
    return render(
        request,
        "incentives/certificate_batch.html",
        {
            "year": year,
            "progress": progress,
            "is_running": progress is not None and progress["state"] in tasks.RUNNING_STATES,
            "certificates": certificates,
            "can_manage": _manages(request),
        },
    )


@require_GET
@never_cache
def verify(request, code: str):
    """Public: is this certificate genuine, and does it still stand?"""
    found = list(
        Certificate.objects.filter(code=code).select_related("person", "issuing_unit")[:2]
        if CODE_PATTERN.fullmatch(code)
        else []
    )
    certificate = found[0] if len(found) == 1 else None
    context = {"certificate": certificate}
    if certificate:  # written as on the paper, so that the two can be compared at a glance
        context |= {"earned": points_text(certificate.earned), "granted": points_text(certificate.granted)}
    response = render(request, "incentives/verify.html", context, status=200 if certificate else 404)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
