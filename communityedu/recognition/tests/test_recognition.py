"""Recognition of learning organisations: status history as of a date, the rates, evidence
checked by content, the page, the API and town scoping."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communityedu.core.models import AuditLogEntry
from communityedu.metrics import recognition_figures
from communityedu.organization import services as org_services
from communityedu.organization.constants import UnitType
from communityedu.recognition import selectors, services
from communityedu.recognition.constants import RecognitionStatus, Track
from communityedu.recognition.models import StatusChange
from conftest import png_bytes


def _change(world, status, on, *, track=Track.LEARNING_COMMUNITY, village=None, unit=None, **extra):
    if track != Track.LEARNING_ORGAN and village is None:
        village = world.yiyang
    return services.record_status(
        town=unit.town if unit else village.town,
        track=track,
        village=village,
        unit=unit,
        status=status,
        effective_on=on,
        actor=world.accounts["office"],
        **extra,
    )


def _second_organ(world):
    return org_services.save_unit(
        unit=None,
        town=world.xinmiao,
        values={"name": "党政办", "unit_type": UnitType.PARTY_GOVERNMENT_ORGAN},
        actor=None,
    )


def test_the_status_as_of_a_date_is_the_latest_change_on_or_before_it(world):
    _change(world, RecognitionStatus.APPLYING, date(2020, 6, 1))
    _change(world, RecognitionStatus.RECOGNISED, date(2020, 9, 15))

    def status(on):
        board = selectors.recognition_board(town=world.xinmiao, as_of=on)
        return {row.village.name: row.learning_community.status for row in board.villages}

    assert status(date(2020, 5, 31)) == {"十字村": "not_started", "弋阳村": "not_started"}
    assert status(date(2020, 6, 1)) == {"十字村": "not_started", "弋阳村": "applying"}
    assert status(date(2020, 9, 15)) == {"十字村": "not_started", "弋阳村": "recognised"}


def test_the_rates_count_recognised_villages_and_organs_as_of_a_date(world):
    _second_organ(world)
    _change(world, RecognitionStatus.RECOGNISED, date(2020, 7, 1))
    _change(world, RecognitionStatus.APPLYING, date(2020, 7, 1), village=world.shizi)
    _change(world, RecognitionStatus.RECOGNISED, date(2020, 8, 1), track=Track.DEMONSTRATION)
    _change(
        world, RecognitionStatus.RECOGNISED, date(2020, 10, 1), track=Track.LEARNING_ORGAN, unit=world.civil_affairs
    )

    september = recognition_figures.recognition_rates(town=world.xinmiao, as_of=date(2020, 9, 30))
    year_end = recognition_figures.recognition_rates(town=world.xinmiao, as_of=date(2020, 12, 31))

    assert (september.learning_communities.recognised, september.learning_communities.total) == (1, 2)
    assert september.learning_communities.rate == Decimal("50.0")
    assert (september.learning_organs.recognised, september.learning_organs.total) == (0, 2)
    assert september.demonstration_villages == 1
    assert (year_end.learning_organs.recognised, year_end.learning_organs.rate) == (1, Decimal("50.0"))


def test_a_withdrawn_recognition_stops_counting_from_its_date(world):
    _change(world, RecognitionStatus.RECOGNISED, date(2020, 7, 1))
    _change(world, RecognitionStatus.NOT_STARTED, date(2020, 11, 1), note="复核未通过")

    def recognised(on):
        return recognition_figures.recognition_rates(town=world.xinmiao, as_of=on).learning_communities.recognised

    assert (recognised(date(2020, 10, 31)), recognised(date(2020, 11, 1))) == (1, 0)
    assert StatusChange.objects.count() == 2


def test_a_village_track_needs_a_village_and_the_organ_track_an_organ(world):
    with pytest.raises(ValidationError):
        _change(world, RecognitionStatus.RECOGNISED, date(2020, 7, 1), track=Track.LEARNING_ORGAN, unit=world.school)
    with pytest.raises(ValidationError):
        services.record_status(
            town=world.xinmiao,
            track=Track.LEARNING_COMMUNITY,
            village=world.guandong,
            status=RecognitionStatus.RECOGNISED,
            effective_on=date(2020, 7, 1),
            actor=None,
        )
    assert StatusChange.objects.count() == 0


def test_evidence_is_kept_when_it_is_a_pdf_or_a_picture_and_refused_otherwise(world):
    change = _change(
        world,
        RecognitionStatus.RECOGNISED,
        date(2020, 9, 15),
        evidence=SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    photo = _change(
        world,
        RecognitionStatus.RECOGNISED,
        date(2020, 9, 16),
        track=Track.DEMONSTRATION,
        evidence=SimpleUploadedFile("牌匾.png", png_bytes()),
    )

    with pytest.raises(ValidationError):
        _change(
            world,
            RecognitionStatus.RECOGNISED,
            date(2020, 9, 15),
            village=world.shizi,
            evidence=SimpleUploadedFile("认定文件.pdf", b"MZ not a pdf"),
        )
    assert (change.evidence_name, change.evidence_content_type, change.evidence_size) == (
        "认定文件.pdf",
        "application/pdf",
        15,
    )
    assert photo.evidence_content_type == "image/png"
    assert StatusChange.objects.count() == 2
    assert AuditLogEntry.objects.filter(object_type="recognition.StatusChange").count() == 2


def test_evidence_larger_than_the_limit_is_refused(world, settings):
    settings.EVIDENCE_MAX_BYTES = 10

    with pytest.raises(ValidationError):
        _change(
            world,
            RecognitionStatus.RECOGNISED,
            date(2020, 9, 15),
            evidence=SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4\n%%EOF\n"),
        )
    assert StatusChange.objects.count() == 0


def test_the_office_records_a_change_on_the_page_and_the_evidence_opens(world, sign_in):
    client = sign_in("office")

    response = client.post(
        "/recognition/record/",
        {
            "track": "learning_community",
            "subject": world.yiyang.pk,
            "status": "recognised",
            "effective_on": "2020-09-15",
            "evidence": SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )

    assert response.status_code == 302
    change = StatusChange.objects.get()
    page = client.get("/recognition/?as_of=2020-12-31").content.decode()
    assert 'id="learning-community-rate">1 / 2 (50.0%)</dd>' in page
    evidence = client.get(f"/recognition/evidence/{change.pk}/")
    assert evidence.status_code == 200
    assert "认定文件.pdf" in page  # in the row and in the history of changes
    assert b"".join(evidence.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_nantuo_sees_nothing_of_xinmiaos_recognition(world, sign_in):
    change = _change(
        world,
        RecognitionStatus.RECOGNISED,
        date(2020, 9, 15),
        evidence=SimpleUploadedFile("认定文件.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    client = sign_in("nantuo")

    assert client.get(f"/recognition/evidence/{change.pk}/").status_code == 404
    assert client.get("/api/v1/recognition?town=xinmiao").status_code == 404
    refused = client.post(
        "/recognition/record/",
        {"track": "learning_community", "subject": world.yiyang.pk, "status": "applying", "effective_on": "2020-06-01"},
    )
    assert refused.status_code == 404
    page = client.get("/recognition/").content.decode()
    assert "弋阳村" not in page
    assert "关东村" in page
    assert StatusChange.objects.count() == 1


def test_the_api_records_a_change_and_reads_the_rates(world, sign_in):
    client = sign_in("office")

    created = client.post(
        "/api/v1/recognition",
        {
            "town": "xinmiao",
            "track": "learning_organ",
            "unit_id": world.civil_affairs.pk,
            "status": "recognised",
            "effective_on": "2020-09-01",
        },
        content_type="application/json",
    )
    board = client.get("/api/v1/recognition?town=xinmiao&as_of=2020-12-31").json()

    assert created.status_code == 201
    assert board["learning_organs"] == {"recognised": 1, "total": 1, "rate": "100.0"}
    assert board["learning_communities"] == {"recognised": 0, "total": 2, "rate": "0.0"}
    assert board["organs"] == [
        {
            "unit_id": world.civil_affairs.pk,
            "unit": "民政办",
            "learning_organ": {
                "track": "learning_organ",
                "status": "recognised",
                "effective_on": "2020-09-01",
                "has_evidence": False,
            },
        }
    ]


def test_the_page_reads_in_the_same_number_of_queries_however_many_changes(world, sign_in):
    client = sign_in("office")
    client.get("/recognition/")
    with CaptureQueriesContext(connection) as few:
        client.get("/recognition/?as_of=2020-12-31")
    _second_organ(world)
    for village in (world.yiyang, world.shizi):
        _change(world, RecognitionStatus.APPLYING, date(2020, 6, 1), village=village)
        _change(world, RecognitionStatus.RECOGNISED, date(2020, 9, 1), village=village, track=Track.DEMONSTRATION)
    _change(world, RecognitionStatus.RECOGNISED, date(2020, 9, 1), track=Track.LEARNING_ORGAN, unit=world.civil_affairs)
    with CaptureQueriesContext(connection) as many:
        client.get("/recognition/?as_of=2020-12-31")

    assert len(many) == len(few)
