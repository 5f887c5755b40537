"""The register's pages: upload, preview, confirm, export and unmasking, as a clerk uses them."""

import re
from datetime import date
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.people import services
from communityedu.people.models import ImportBatch, ImportStatus, Person
from communityedu.people.tests.rosters import make_id, xlsx
from communityedu.people.tests.test_roster_import import FOOTER, ZHAO_ID, flawed_village_rows
from conftest import ZHANG_ID

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, content, name="花名册.xlsx", **extra):
    return client.post("/people/import/", {"roster": SimpleUploadedFile(name, content), **extra})


def _sheet(response):
    return CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()


def test_upload_preview_confirm_then_the_people_are_in_the_register(world, sign_in):
    client = sign_in("office")

    response = _upload(client, xlsx(flawed_village_rows(), footer=FOOTER))
    batch = ImportBatch.objects.latest("created_at")
    assert response["Location"] == f"/people/import/{batch.pk}/"
    preview = client.get(response["Location"])
    assert preview.context["summary"]["created"] == 4
    assert not Person.objects.filter(name="赵德明").exists()

    client.post(f"/people/import/{batch.pk}/")
    client.post(f"/people/import/{batch.pk}/")  # a double click imports once

    batch.refresh_from_db()
    assert (batch.status, batch.summary["created"]) == (ImportStatus.DONE, 4)
    assert Person.objects.filter(name="赵德明").count() == 1
    page = client.get("/people/?q=赵德明").content.decode()
    assert "赵德明" in page
    assert "138****8001" in page


def test_a_roster_with_problems_needs_the_skip_choice_and_offers_the_report(world, sign_in):
    client = sign_in("office")
    rows = [*flawed_village_rows(), [9, "外村人", "女", "1970-1-1", None, None, "月亮村", "1组", None, None, None]]
    batch_url = _upload(client, xlsx(rows))["Location"]

    preview = client.get(batch_url)
    assert [p["row"] for p in preview.context["problems"]] == [10]
    client.post(batch_url)  # without the skip choice the service refuses
    assert not Person.objects.filter(name="赵德明").exists()
    batch = ImportBatch.objects.latest("created_at")
    batch.status = ImportStatus.PREVIEWED
    batch.save(update_fields=["status"])

    client.post(batch_url, {"skip_invalid": "on"})

    assert Person.objects.filter(name__in=["赵德明", "孙秀英", "钱小宝", "周桂兰"]).count() == 4
    assert not Person.objects.filter(name="外村人").exists()
    report = client.get(f"{batch_url}report.xlsx")
    assert report["Content-Type"] == XLSX
    assert _sheet(report)[5][-2] == "村（社区）：新妙镇没有叫“月亮村”的村或社区。"


def test_an_unreadable_file_is_refused_on_the_form(world, sign_in):
    response = _upload(sign_in("office"), b"\x00\x01garbage", "名单.xlsx")

    assert response.status_code == 400
    assert response.context["form"].errors["roster"]
    assert ImportBatch.objects.count() == 1  # only the world's own


def test_a_large_roster_runs_as_a_background_job_and_reports_progress(
    world, sign_in, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "INLINE_IMPORT_ROWS", 10)
    client = sign_in("office")
    header = ["姓名", "性别", "身份证号", "村"]
    rows = [header] + [
        [
            f"李{'一二三四五六七八九十'[i % 10]}{'甲乙丙丁戊'[i // 10]}",
            "",
            make_id(date(1950, 1, 1 + i % 28), i),
            "十字村",
        ]
        for i in range(1, 41)
    ]
    batch_url = _upload(client, xlsx(rows))["Location"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(batch_url)

    batch = ImportBatch.objects.latest("created_at")
    assert len(callbacks) == 1
    assert (batch.status, batch.processed_rows, batch.summary["created"]) == (ImportStatus.DONE, 40, 40)
    status = client.get(f"{batch_url}?partial=status").content.decode()
    assert 'id="summary-created">40<' in status


def test_the_register_export_is_masked_unless_the_office_asks_for_full_numbers(world, sign_in):
    client = sign_in("office")
    client.post("/people/import/", {"roster": SimpleUploadedFile("a.xlsx", xlsx(flawed_village_rows()))})
    client.post(f"/people/import/{ImportBatch.objects.latest('created_at').pk}/")
    zhao_id = Person.objects.get(name="赵德明").masked_id_number

    masked = _sheet(client.get(f"/people/export.xlsx?village={world.yiyang.pk}"))
    full = _sheet(client.get(f"/people/export.xlsx?village={world.yiyang.pk}&unmasked=1&reason=核对低保名单"))

    zhao_masked = next(row for row in masked if row[0] == "赵德明")
    zhao_full = next(row for row in full if row[0] == "赵德明")
    assert (zhao_masked[3], zhao_masked[4]) == (zhao_id, "138****8001")
    assert zhao_full[4] == "13800008001"
    assert zhao_full[3] == ZHAO_ID
    exports = AuditLogEntry.objects.filter(action=AuditAction.EXPORT, actor_label="office").order_by("id")
    assert [e.changes["unmasked"][1] for e in exports] == [False, True]


def test_a_school_clerk_asking_for_full_numbers_still_gets_them_masked(world, sign_in):
    rows = _sheet(sign_in("school").get("/people/export.xlsx?unmasked=1&reason=核对"))

    assert [row[4] for row in rows if row[0] == "张秀英"] == ["138****0000"]
    assert AuditLogEntry.objects.get(action=AuditAction.EXPORT).changes["unmasked"] == [None, False]


def test_unmasking_a_person_shows_the_numbers_once_and_is_audited(world, sign_in):
    person = world.people["zhang"]
    client = sign_in("center")

    detail = client.get(f"/people/{person.pk}/").content.decode()
    revealed = client.post(f"/people/{person.pk}/unmask/", {"reason": "核对低保申请"}).content.decode()

    assert "完整号码" in detail or "full numbers" in detail
    assert not re.search(r"1[3-9]\d{9}", detail)
    entry = AuditLogEntry.objects.get(action=AuditAction.UNMASK)
    assert (entry.actor_label, entry.object_id) == ("center", str(person.pk))
    assert ZHANG_ID in revealed
    assert "13800000000" in revealed
    assert ZHANG_ID not in detail
    assert "500102********0026" in detail


def test_the_evaluator_cannot_unmask(world, sign_in):
    response = sign_in("evaluator").post(f"/people/{world.people['zhang'].pk}/unmask/", {"reason": "核对"})

    assert response.status_code == 403
    assert not AuditLogEntry.objects.filter(action=AuditAction.UNMASK).exists()


def test_people_can_be_filtered_by_tag(world, sign_in):
    client = sign_in("office")
    client.post("/people/import/", {"roster": SimpleUploadedFile("a.xlsx", xlsx(flawed_village_rows()))})
    client.post(f"/people/import/{ImportBatch.objects.latest('created_at').pk}/")
    party = next(tag for tag in client.get("/people/").context["tags"] if tag.name == "党员")

    names = [p.name for p in client.get(f"/people/?tag={party.pk}").context["page"]]

    assert names == ["赵德明"]
