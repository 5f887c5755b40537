"""The evidence graph over the API: the records and files behind a figure, an indicator or a record
of a year as of a cut-off, and the check of what has no evidence at all
(``assessment.evidence``). The same readers as the self-assessment."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Text, Year
from communityedu.assessment import evidence, permissions
from communityedu.core.parsing import check_year

router = ListRouter(tags=["assessment"])


class FileOut(Schema):
    source: str = Field(..., description="The table holding the file: activities.Evidence, assessment.EvidenceFile…")
    id: int
    name: str
    content_type: str
    size: int
    url: str


class RecordOut(Schema):
    record: str = Field(..., description="app.Model:id")
    label: str
    on: date | None
    detail: str
    url: str
    has_evidence: bool
    needs_evidence: bool
    files: list[FileOut]


class EvidenceNodeOut(Schema):
    ref: str = Field(..., description="kind:key, e.g. figure:participation, indicator:4.2, task:12")
    kind: str
    label: str
    value: str
    definition: str
    url: str
    figure_keys: list[str]
    has_evidence: bool
    records: list[RecordOut]


class NodeSummaryOut(Schema):
    ref: str
    kind: str
    label: str
    records: int
    files: int
    has_evidence: bool


class EvidenceGapOut(Schema):
    node: str
    record: str
    message: str
    url: str


class EvidenceOut(Schema):
    town: str
    year: int
    as_of: date
    cut_off: date = Field(..., description="The last day whose records count: as_of, or 31 December of a past year")
    node: EvidenceNodeOut | None = Field(None, description="The node asked for with key")
    nodes: list[NodeSummaryOut] = Field(..., description="Every node (empty when a key is asked for)")
    gaps: list[EvidenceGapOut] = Field(..., description="What has no evidence at all (empty when a key is asked for)")
    files: int = Field(..., description="Distinct evidence files in the whole graph")


def _node_out(node: evidence.EvidenceNode) -> dict:
    return {
        "ref": node.ref,
        "kind": node.kind,
        "label": node.label,
        "value": node.value,
        "definition": node.definition,
        "url": node.url,
        "figure_keys": node.figure_keys,
        "has_evidence": node.has_evidence,
        "records": [
            {
                "record": record.record,
                "label": record.label,
                "on": record.on,
                "detail": record.detail,
                "url": record.url,
                "has_evidence": record.has_evidence,
                "needs_evidence": record.needs_evidence,
                "files": [
                    {
                        "source": stored.source,
                        "id": stored.pk,
                        "name": stored.name,
                        "content_type": stored.content_type,
                        "size": stored.size,
                        "url": stored.url,
                    }
                    for stored in record.files
                ],
            }
            for record in node.records
        ],
    }


@router.get("/assessment/evidence", response=EvidenceOut)
def get_evidence(request, town: str, year: Year | None = None, as_of: date | None = None, key: Text(100) = ""):
    """The evidence graph of ``year`` as of ``as_of`` (default: today): with ``key`` (``figure:participation``,
    ``indicator:4.2``, ``task:12``, ``meeting:3``, ``notice:5``, ``recognition:7``, ``payment:fee-9``,
    ``certificate:2``) the records and files behind that node; without it, every node counted and the
    evidence check (what has no evidence at all)."""
    town_row = town_for(request, town)
    if not permissions.can_read(request.user, town_row):
        raise HttpError(403, "Not allowed")
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    check_year(year)
    if as_of.year < year:
        raise ApiError(400, f"The cut-off date {as_of.isoformat()} lies before the year {year}.", field="as_of")
    graph = evidence.records_behind(town=town_row, year=year, as_of=as_of)
    body = {
        "town": town_row.slug,
        "year": year,
        "as_of": as_of,
        "cut_off": graph.cut,
        "node": None,
        "nodes": [],
        "gaps": [],
        "files": len(graph.files()),
    }
    if key:
        node = graph.node(key)
        if node is None:
            raise ApiError(404, f"No record named {key} in {year} up to {as_of.isoformat()}.", field="key")
        body["node"] = _node_out(node)
        return body
    body["nodes"] = [
        {
            "ref": node.ref,
            "kind": node.kind,
            "label": node.label,
            "records": len(node.records),
            "files": len(node.files),
            "has_evidence": node.has_evidence,
        }
        for node in graph.nodes()
    ]
    body["gaps"] = [gap.__dict__ for gap in evidence.gaps_of(graph)]
    return body
