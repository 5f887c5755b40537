"""The evidence page: the records and files behind any figure, indicator or record of a year as of a
cut-off (``evidence.records_behind``), and the check of what has no evidence at all. Read by those
who read the self-assessment."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_safe

from communityedu.assessment import evidence
from communityedu.assessment.views import _period, _reads, _render
from communityedu.core.views import allowed_if


@require_safe
@allowed_if(_reads)
def evidence_page(request):
    year, as_of = _period(request.GET)
    key = (request.GET.get("key") or "").strip()
    graph = evidence.records_behind(town=request.town, year=year, as_of=as_of)
    node = graph.node(key) if key else None
    if key and node is None:
        raise Http404
    return _render(
        request,
        "assessment/evidence.html",
        {
            "year": year,
            "as_of": as_of,
            "graph": graph,
            "node": node,
            "key": key,
            "gaps": [] if node else evidence.gaps_of(graph),
        },
    )
