"""Numbers in clear need a stated reason, are audited with who was unmasked, and are never cached;
the import problem report is masked and goes only to its uploader or the town's office."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from communityedu.core.models import AuditAction, AuditLogEntry
from communityedu.people.models import ImportBatch
from communityedu.people.tests.rosters import xlsx
from communityedu.people.tests.test_roster_import import SUN_ID, ZHAO_ID, flawed_village_rows
from conftest import RESIDENT_PHONE, ZHANG_ID

REASON_MESSAGE = "请说明为何需要查看完整号码（例如：核对低保名单）。"


def _sheet(response):
    return CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0).to_python()


def _unmask_entries():
    return list(AuditLogEntry.objects.filter(action=AuditAction.UNMASK).values_list("changes", flat=True))


def test_the_person_page_asks_for_a_reason_before_showing_full_numbers(world, sign_in):
    page = sign_in("center").get(f"/people/{world.people['zhang'].pk}/").content.decode()

    assert 'name="reason"' in page
    assert 'id="unmask-reason"' in page
    assert "required" in page.split('name="reason"')[1].split(">")[0]


def test_unmasking_on_the_page_without_a_reason_is_refused_with_the_message_and_nothing_shown(world, sign_in):
    client = sign_in("center")

    response = client.post(f"/people/{world.people['zhang'].pk}/unmask/", {"reason": "   "})

    page = response.content.decode()
    assert response.status_code == 400
    assert REASON_MESSAGE in page
    assert ZHANG_ID not in page
    assert RESIDENT_PHONE not in page
    assert _unmask_entries() == []


def test_unmasking_on_the_page_records_the_reason_and_the_person_and_is_not_cached(world, sign_in):
    person = world.people["zhang"]

    response = sign_in("center").post(f"/people/{person.pk}/unmask/", {"reason": " 核对低保申请 "})

    assert response.status_code == 200
    assert ZHANG_ID in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert _unmask_entries() == [
        {
            "fields": [None, ["id_number", "phone"]],
            "reason": [None, "核对低保申请"],
            "count": [None, 1],
            "people": [None, [person.pk]],
        }
    ]


def test_unmasking_through_the_api_without_a_reason_is_a_400_naming_the_field(world, sign_in):
    client = sign_in("office")
    path = f"/api/v1/people/{world.people['zhang'].pk}/unmask"

    no_body = client.post(path, "", content_type="application/json")
    blank = client.post(path, {"reason": "  "}, content_type="application/json")
    missing = client.post(path, {}, content_type="application/json")

    for response in (no_body, blank, missing):
        assert response.status_code == 400
        assert response.json() == {"detail": REASON_MESSAGE, "errors": [{"field": "reason", "message": REASON_MESSAGE}]}
    assert _unmask_entries() == []


def test_a_reason_longer_than_five_hundred_characters_is_a_400_naming_it(world, sign_in):
    client = sign_in("office")

    unmask = client.post(
        f"/api/v1/people/{world.people['zhang'].pk}/unmask", {"reason": "核" * 501}, content_type="application/json"
    )
    export = client.get(f"/api/v1/exports/people?town=xinmiao&unmasked=true&reason={'核' * 501}")
    page = client.post(f"/people/{world.people['zhang'].pk}/unmask/", {"reason": "核" * 501})

    assert (unmask.status_code, [e["field"] for e in unmask.json()["errors"]]) == (400, ["reason"])
    assert (export.status_code, [e["field"] for e in export.json()["errors"]]) == (400, ["reason"])
    assert page.status_code == 400
    assert _unmask_entries() == []
    assert not AuditLogEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_unmasking_through_the_api_records_the_reason_and_is_not_cached(world, sign_in):
    person = world.people["zhang"]

    response = sign_in("office").post(
        f"/api/v1/people/{person.pk}/unmask", {"reason": "社保核验"}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json() == {"id_number": ZHANG_ID, "phone": RESIDENT_PHONE, "guardian_phone": ""}
    assert "no-store" in response["Cache-Control"]
    entry = AuditLogEntry.objects.get(action=AuditAction.UNMASK)
    assert (entry.actor_label, entry.changes["reason"], entry.changes["people"]) == (
        "office",
        [None, "社保核验"],
        [None, [person.pk]],
    )


def test_the_register_page_offers_the_unmasked_export_as_a_form_with_a_required_reason(world, sign_in):
    page = sign_in("office").get("/people/").content.decode()

    form = page.split('id="export-unmasked"')[1].split("</form>")[0]
    assert 'name="unmasked" value="1"' in form
    assert "required" in form.split('name="reason"')[1].split(">")[0]


def test_an_unmasked_export_on_the_page_without_a_reason_is_refused_with_the_form(world, sign_in):
    response = sign_in("office").get(f"/people/export.xlsx?unmasked=1&village={world.yiyang.pk}&reason=")

    page = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert REASON_MESSAGE in page
    assert f'name="village" value="{world.yiyang.pk}"' in page
    assert not AuditLogEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_unmasked_export_on_the_page_records_the_reason_and_who_was_unmasked(world, sign_in):
    response = sign_in("office").get(f"/people/export.xlsx?unmasked=1&village={world.yiyang.pk}&reason=核对低保名单")

    rows = _sheet(response)
    assert [row[3] for row in rows if row[0] == "张秀英"] == [ZHANG_ID]
    assert "no-store" in response["Cache-Control"]
    entry = AuditLogEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes == {
        "filters": [None, {"village_id": world.yiyang.pk, "tag_id": None}],
        "unmasked": [None, True],
        "count": [None, 2],
        "reason": [None, "核对低保名单"],
        "people": [None, sorted([world.people["zhang"].pk, world.people["li"].pk])],
    }


def test_a_masked_export_needs_no_reason_and_names_no_one(world, sign_in):
    response = sign_in("office").get(f"/people/export.xlsx?village={world.yiyang.pk}")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert AuditLogEntry.objects.get(action=AuditAction.EXPORT).changes == {
        "filters": [None, {"village_id": world.yiyang.pk, "tag_id": None}],
        "unmasked": [None, False],
        "count": [None, 2],
    }


def test_an_unmasked_export_through_the_api_needs_a_reason_and_records_it(world, sign_in):
    client = sign_in("center")
    path = "/api/v1/exports/people?town=xinmiao&unmasked=true"

    refused = client.get(path)
    blank = client.get(f"{path}&reason=%20")
    exported = client.get(f"{path}&reason=走访名单")

    for response in (refused, blank):
        assert response.status_code == 400
        assert response.json()["errors"] == [{"field": "reason", "message": REASON_MESSAGE}]
    assert exported.status_code == 200
    assert "no-store" in exported["Cache-Control"]
    entry = AuditLogEntry.objects.get(action=AuditAction.EXPORT)
    # The centre's director unmasks only the people of the villages it directs (弋阳村).
    assert (entry.actor_label, entry.changes["reason"], entry.changes["count"], entry.changes["people"]) == (
        "center",
        [None, "走访名单"],
        [None, 2],
        [None, sorted([world.people["zhang"].pk, world.people["li"].pk])],
    )


def test_the_import_problem_report_masks_id_numbers_and_phones(world, sign_in):
    client = sign_in("office")
    client.post("/people/import/", {"roster": SimpleUploadedFile("a.xlsx", xlsx(flawed_village_rows()))})
    batch = ImportBatch.objects.latest("created_at")

    rows = _sheet(client.get(f"/people/import/{batch.pk}/report.xlsx"))

    assert [row[4:6] for row in rows[1:]] == [
        [f"{ZHAO_ID[:6]}********{ZHAO_ID[-4:]}", "138****8001"],
        [f"{SUN_ID[:6]}********{SUN_ID[-4:]}", "139****8002"],
        [rows[3][4], ""],
        ["", "023****5678"],
    ]
    assert "********" in rows[3][4]


def test_only_the_uploader_or_the_office_downloads_the_problem_report(world, client):
    from communityedu.people import services

    batch = services.upload_roster(
        actor=world.accounts["center"],
        town=world.xinmiao,
        file_name="弋阳村补录.csv",
        content=f"姓名,身份证号,联系电话,村\n张秀英,{ZHANG_ID},{RESIDENT_PHONE},弋阳村\n".encode(),
    )
    path = f"/people/import/{batch.pk}/report.xlsx"
    statuses = {}
    for username in ("center", "office", "school", "nantuo"):
        client.logout()
        client.post("/accounts/sign-in/", {"username": username, "password": "Xinmiao@2020"})
        statuses[username] = client.get(path).status_code
    client.logout()
    client.post("/accounts/sign-in/", {"username": "center", "password": "Xinmiao@2020"})
    office_batch_for_center = client.get(f"/people/import/{world.batch.pk}/report.xlsx")

    assert statuses == {"center": 200, "office": 200, "school": 403, "nantuo": 404}
    assert office_batch_for_center.status_code == 404  # the office uploaded it
