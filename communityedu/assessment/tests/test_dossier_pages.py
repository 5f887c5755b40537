"""The dossier's pages: the office starts a build, readers poll it and download the files (a small world,
not the demo, so that these tests do not share the demo's module)."""

import io
from datetime import date

import openpyxl

from communityedu.assessment import dossier
from communityedu.assessment.models import DossierExport
from communityedu.core.models import AuditAction, AuditLogEntry

AS_OF = date(2020, 12, 31)


def test_the_office_starts_the_build_on_its_page_and_readers_download_the_files(
    world, sign_in, client, django_capture_on_commit_callbacks
):
    sign_in("office")
    response = client.post("/assessment/dossier/start/", {"year": "2020", "as_of": "2019-06-30"})
    assert response.status_code == 400
    assert "截止日期不得早于2020年。" in response.content.decode()
    assert DossierExport.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/assessment/dossier/start/", {"year": "2020", "as_of": "2020-12-31"})
    export = DossierExport.objects.get()
    assert response["Location"] == f"/assessment/dossier/{export.pk}/"
    page = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert page.startswith('<div id="dossier-status" class="card">')  # finished: no more polling
    assert f"/assessment/dossier/{export.pk}/pdf/" in page
    response = client.get(f"/assessment/dossier/{export.pk}/xlsx/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    assert sheet["A5"].value == "本镇尚未载入评估指标体系。"  # a town without an indicator system
    assert client.get(f"/assessment/dossier/{export.pk}/doc/").status_code == 404

    sign_in("evaluator")  # the dossier is the evaluator's (the auditor reviews the audit log only)
    assert client.get(f"/api/v1/assessment/dossiers/{export.pk}?town=xinmiao").json()["files"] == {
        kind: f"/api/v1/assessment/dossiers/{export.pk}/{kind}?town=xinmiao" for kind in ("pdf", "zip", "xlsx")
    }
    assert client.get(f"/api/v1/assessment/dossiers/{export.pk}/pdf?town=xinmiao")["Content-Type"] == "application/pdf"
    exported = AuditLogEntry.objects.filter(
        action=AuditAction.EXPORT, object_type="assessment.DossierExport", object_id=str(export.pk)
    )
    assert sorted(exported.values_list("actor__username", "changes__kind")) == [
        ("evaluator", "pdf"),
        ("office", "xlsx"),
    ]


def test_a_running_build_is_polled(world, sign_in, client):
    export = dossier.start_export(actor=None, town=world.xinmiao, year=2020, as_of=AS_OF)  # not committed: queued
    sign_in("office")
    page = client.get(f"/assessment/dossier/{export.pk}/").content.decode()
    assert f'hx-get="/assessment/dossier/{export.pk}/" hx-trigger="every 2s"' in page
    assert "<progress" in page
    assert client.get(f"/assessment/dossier/{export.pk}/pdf/").status_code == 404
