"""Learning cards in bulk over the API: count them, print them (a PDF at once up to 200 cards, else
a background job), follow the job and download its PDF. The same service as the page
(``activities/cards.py``); the town office, or a village's director for their own village."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from ninja import Field, Schema, Status

from communityedu.activities import cards
from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError, ErrorOut
from communityedu.api.types import Id, TownSlug

router = ListRouter(tags=["people"])

PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "The cards as one PDF (at most 200 cards; it holds activation codes, never cached)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class CardsIn(Schema):
    town: TownSlug
    village: Id | None = Field(None, description="A village's id: its residents")
    tag: Id | None = Field(None, description="A tag's id (老年人…): the residents who carry it")
    import_batch: Id | None = Field(None, description="An applied import batch's id: the people of its rows")


class ReasonCountsOut(Schema):
    child: int = 0
    no_birth_date: int = 0
    no_mobile: int = 0
    disabled: int = 0
    staff: int = 0


class CardCountsOut(Schema):
    new_account: int = Field(..., description="An account is opened; the card carries its activation code")
    new_code: int = Field(..., description="A pending account gets a new code; the earlier card's code stops")
    active: int = Field(..., description="An active account is never reset: the card says 已开通")
    card_only: int = Field(..., description="The learning card only (children, no mobile number, …)")
    card_only_reasons: ReasonCountsOut


class CardPlanOut(Schema):
    printed_for: str
    total: int
    runs_in_background: bool = Field(..., description="More than 200 cards: POST answers 202 with a job")
    counts: CardCountsOut


class CardJobOut(Schema):
    id: int
    printed_for: str = Field(..., alias="selection_label")
    status: str = Field(..., description="queued, running, done, failed, or interrupted (print again)")
    total: int
    prepared: int = Field(..., description="Cards made ready (accounts opened, codes renewed)")
    drawn: int = Field(..., description="Cards drawn into the PDF")
    counts: CardCountsOut | None
    pdf_available: bool
    expires_at: datetime | None = Field(..., description="Until when the PDF can be downloaded")
    created_at: datetime

    @staticmethod
    def resolve_status(obj):
        return obj.state

    @staticmethod
    def resolve_counts(obj):
        return obj.counts or None

    @staticmethod
    def resolve_pdf_available(obj):
        return cards.has_pdf(obj)


def _selection(request, *, town: str, village: int | None, tag: int | None, import_batch: int | None):
    town_row = town_for(request, town)
    if not cards.may_print_cards(request.user, town_row):
        raise ApiError(403, "Only the town office or a village's director prints learning cards")
    selection = cards.select_people(
        user=request.user, town=town_row, village_id=village, tag_id=tag, import_batch_id=import_batch
    )
    return town_row, selection


def _plan_out(plan: cards.CardPlan) -> dict:
    return {
        "printed_for": plan.selection.label,
        "total": plan.total,
        "runs_in_background": plan.runs_in_background,
        "counts": plan.counts,
    }


@router.get("/learning-cards/plan", response={200: CardPlanOut, 400: ErrorOut})
def plan_cards(
    request, town: TownSlug, village: Id | None = None, tag: Id | None = None, import_batch: Id | None = None
):
    """How many cards printing would make, of each kind; nothing is written."""
    _town, selection = _selection(request, town=town, village=village, tag=tag, import_batch=import_batch)
    return _plan_out(cards.plan_cards(selection))


@router.post(
    "/learning-cards",
    response={200: bytes, 202: CardJobOut, 400: ErrorOut},
    openapi_extra=PDF_RESPONSE,
)
def print_cards(request, body: CardsIn):
    """Print the learning cards of one village, tag or import batch: up to 200 cards answers the PDF
    (200); more answers 202 with the background job to follow. Pending accounts get new codes;
    active accounts are not reset."""
    town_row, selection = _selection(
        request, town=body.town, village=body.village, tag=body.tag, import_batch=body.import_batch
    )
    result = cards.print_cards(actor=request.user, town=town_row, selection=selection)
    if result.pdf is None:
        return Status(202, result.job)
    response = HttpResponse(result.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="learning-cards-{result.job.pk}.pdf"'
    add_never_cache_headers(response)
    return response


def _job(request, job_id: int, town: str):
    town_row = town_for(request, town)
    if not cards.may_print_cards(request.user, town_row):
        raise ApiError(403, "Only the town office or a village's director prints learning cards")
    return cards.get_print_job_for(request.user, town_row, job_id)


@router.get("/learning-cards/jobs/{job_id}", response=CardJobOut)
def get_card_job(request, job_id: Id, town: TownSlug):
    """A print of learning cards: its progress, and whether its PDF can be downloaded."""
    return _job(request, job_id, town)


@router.get(
    "/learning-cards/jobs/{job_id}/pdf",
    response={200: bytes, 409: ErrorOut, 410: ErrorOut},
    openapi_extra=PDF_RESPONSE,
)
def get_card_job_pdf(request, job_id: Id, town: TownSlug):
    """The PDF of a background print, for whoever printed it and the town office, until it expires
    (409 while it runs, 410 once expired: print again)."""
    job = _job(request, job_id, town)
    try:
        pdf = cards.download_pdf(actor=request.user, job=job)
    except cards.PdfNotReadyError:
        raise ApiError(409, "The PDF is not ready: this print has not finished") from None
    except cards.PdfExpiredError:
        raise ApiError(410, "The PDF is no longer kept: print the cards again") from None
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="learning-cards-{job.pk}.pdf"'
    add_never_cache_headers(response)
    return response
