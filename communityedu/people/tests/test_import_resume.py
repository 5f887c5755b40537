"""A roster import whose job died (the server killed mid-import) is seen as interrupted, on its
page and in the API, and resumes from its last saved chunk without adding anyone twice."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.people import imports, services
from communityedu.people.models import ImportBatch, ImportStatus, Person
from communityedu.people.tests.rosters import make_id, xlsx

HEADER = ["序号", "名字", "性别", "出生年月", "公民身份号码", "手机号码", "村（社区）", "组"]
# Seven adults; the last three without an ID number, matched on name, birth date and village.
PEOPLE = [
    ("冉德明", "男", date(1961, 4, 2), make_id(date(1961, 4, 2), 11)),
    ("冉秀英", "女", date(1963, 5, 3), make_id(date(1963, 5, 3), 22)),
    ("冉志强", "男", date(1980, 6, 4), make_id(date(1980, 6, 4), 33)),
    ("冉小芳", "女", date(1985, 7, 5), make_id(date(1985, 7, 5), 44)),
    ("冉桂兰", "女", date(1950, 8, 6), None),
    ("冉大福", "男", date(1955, 9, 7), None),
    ("冉春花", "女", date(1970, 10, 8), None),
]


class ServerKilledError(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler of the product sees it."""


def _roster() -> bytes:
    rows = [HEADER] + [
        [number, name, sex, born, id_number, None, "弋阳村", "1组"]
        for number, (name, sex, born, id_number) in enumerate(PEOPLE, start=1)
    ]
    return xlsx(rows)


def _killed_after_two_chunks(monkeypatch):
    """Chunks of two rows; the server dies while writing the third chunk."""
    monkeypatch.setattr(imports, "CHUNK", 2)
    write_audit_entry = imports._audit_entry
    chunks = []

    def dying(**kwargs):
        chunks.append(kwargs)
        if len(chunks) == 3:
            raise ServerKilledError
        return write_audit_entry(**kwargs)

    monkeypatch.setattr(imports, "_audit_entry", dying)


def _interrupted_batch(client, monkeypatch, *, minutes_since_heartbeat: int = 10) -> ImportBatch:
    client.post("/people/import/", {"roster": SimpleUploadedFile("冉家.xlsx", _roster())})
    batch = ImportBatch.objects.latest("created_at")
    with monkeypatch.context() as patch:
        _killed_after_two_chunks(patch)
        with pytest.raises(ServerKilledError):
            client.post(f"/people/import/{batch.pk}/")
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=timezone.now() - timedelta(minutes=minutes_since_heartbeat)
    )
    return batch


def _ran_family():
    return Person.objects.filter(town__slug="xinmiao", name__startswith="冉")


def test_an_import_whose_job_died_shows_interrupted_on_its_page_and_resumes_without_duplicates(
    world, sign_in, monkeypatch
):
    client = sign_in("office")
    batch = _interrupted_batch(client, monkeypatch)
    assert _ran_family().count() == 4
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.total_rows) == (ImportStatus.RUNNING, 4, 7)

    page = client.get(f"/people/import/{batch.pk}/")
    assert page.context["batch"].state == "interrupted"
    html = page.content.decode()
    assert 'id="resume-import"' in html
    assert "<h2>已中断</h2>" in html
    assert "导入在第4行（共7行）处停止" in html
    assert "hx-trigger" not in html  # the page stops polling a job that is gone

    response = client.post(f"/people/import/{batch.pk}/")

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.total_rows, batch.attempt) == (ImportStatus.DONE, 7, 7, 1)
    assert (batch.summary["created"], batch.summary["updated"], batch.summary["unchanged"]) == (7, 0, 0)
    assert sorted(_ran_family().values_list("name", flat=True)) == sorted(name for name, *_ in PEOPLE)
    created = AuditLogEntry.objects.filter(action=AuditAction.CREATE, object_label__startswith="花名册导入")
    named = [person[1] for entry in created for person in entry.changes["people"]]
    assert sorted(named) == sorted(name for name, *_ in PEOPLE)  # each once: none twice after the resume
    assert AuditLogEntry.objects.filter(
        object_id=str(batch.pk), changes__status=["interrupted", "queued"], changes__resumed_after_rows=[None, 4]
    ).exists()


def test_the_api_shows_an_interrupted_import_and_a_confirm_resumes_it(world, sign_in, monkeypatch):
    client = sign_in("office")
    batch = _interrupted_batch(client, monkeypatch)

    shown = client.get(f"/api/v1/imports/{batch.pk}?town=xinmiao").json()
    assert (shown["status"], shown["processed_rows"], shown["total_rows"]) == ("interrupted", 4, 7)

    resumed = client.post(
        f"/api/v1/imports/{batch.pk}/confirm?town=xinmiao", {}, content_type="application/json"
    ).json()

    assert (resumed["status"], resumed["processed_rows"], resumed["created"], resumed["unchanged"]) == (
        "done",
        7,
        7,
        0,
    )
    assert _ran_family().count() == 7
    assert _ran_family().values("name", "birth_date", "village").distinct().count() == 7


def test_an_import_still_beating_is_running_and_a_second_confirm_changes_nothing(world, sign_in, monkeypatch):
    client = sign_in("office")
    batch = _interrupted_batch(client, monkeypatch, minutes_since_heartbeat=1)

    assert client.get(f"/api/v1/imports/{batch.pk}?town=xinmiao").json()["status"] == "running"
    client.post(f"/people/import/{batch.pk}/")

    batch.refresh_from_db()
    assert (batch.status, batch.attempt) == (ImportStatus.RUNNING, 0)
    assert _ran_family().count() == 4


def test_the_old_job_of_a_resumed_import_writes_nothing_more(world, sign_in, monkeypatch):
    client = sign_in("office")
    batch = _interrupted_batch(client, monkeypatch)
    # The resumption takes the batch over (attempt 1) before its own job starts.
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.QUEUED, attempt=1)

    services.run_import(batch_id=batch.pk, actor=None, attempt=0)

    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows) == (ImportStatus.QUEUED, 4)
    assert _ran_family().count() == 4


def test_a_job_taken_over_while_it_still_runs_writes_no_further_chunk(world, sign_in, monkeypatch):
    client = sign_in("office")
    client.post("/people/import/", {"roster": SimpleUploadedFile("冉家.xlsx", _roster())})
    batch = ImportBatch.objects.latest("created_at")
    monkeypatch.setattr(imports, "CHUNK", 2)
    chunks = []

    def atomic():
        chunks.append(1)
        if len(chunks) == 2:  # between the first and second chunk, another process resumed the batch
            ImportBatch.objects.filter(pk=batch.pk).update(attempt=1, status=ImportStatus.QUEUED)
        return transaction.atomic()

    monkeypatch.setattr(imports, "transaction", SimpleNamespace(atomic=atomic))

    client.post(f"/people/import/{batch.pk}/")

    batch.refresh_from_db()
    assert (batch.status, batch.attempt, batch.processed_rows) == (ImportStatus.QUEUED, 1, 2)
    assert _ran_family().count() == 2
