"""At most MAX_FILES_PER_UPLOAD files in one request, on every upload page and API operation: one
file more is refused at the door with a message that says the limit, and nothing is written."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from communityedu.activities.models import Evidence
from communityedu.core.models import AuditLogEntry
from communityedu.surveys.tests.factories import standard_survey
from conftest import PASSWORD, png_bytes

LIMIT = 20
ZH_MESSAGE = "一次上传的文件过多：每次最多 20 个文件，请分批上传。"
EN_MESSAGE = "Too many files in one upload: at most 20 files can be sent at a time. Send the files in smaller groups."


def _files(count: int, field: str = "files") -> dict:
    return {field: [SimpleUploadedFile(f"photo-{n}.png", png_bytes(), content_type="image/png") for n in range(count)]}


def _office(world) -> Client:
    client = Client()
    client.post("/accounts/sign-in/", {"username": "office", "password": PASSWORD})
    return client


def _upload_pages(world) -> list[tuple[str, str]]:
    survey = standard_survey(world)
    return [
        (reverse("activities:evidence-upload", args=[world.lecture.pk]), "files"),
        (reverse("news:manage-create"), "cover"),
        (reverse("recognition:record"), "evidence"),
        (reverse("surveys:paper-upload", args=[survey.pk]), "workbook"),
        (reverse("organization:population-import"), "sheet"),
        (reverse("learning:create"), "media_file"),
        (reverse("people:import-upload"), "roster"),
    ]


def test_the_limit_is_a_setting_that_django_enforces(settings):
    assert (settings.MAX_FILES_PER_UPLOAD, settings.DATA_UPLOAD_MAX_NUMBER_FILES) == (LIMIT, LIMIT)


def test_every_upload_page_refuses_one_file_too_many_with_the_limit_and_writes_nothing(world):
    client = _office(world)
    pages, answers = _upload_pages(world), []
    entries_before, evidence_before = AuditLogEntry.objects.count(), Evidence.objects.count()

    for url, field in pages:
        response = client.post(url, {"kind": "photo", **_files(LIMIT + 1, field)})
        answers.append((url, response.status_code, ZH_MESSAGE in response.content.decode()))

    assert answers == [(url, 400, True) for url, _field in pages]
    assert (AuditLogEntry.objects.count(), Evidence.objects.count()) == (entries_before, evidence_before)


def test_the_refusal_speaks_english_when_the_visitor_chose_it(world, settings):
    client = _office(world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(reverse("activities:evidence-upload", args=[world.lecture.pk]), _files(LIMIT + 1))

    assert response.status_code == 400
    assert EN_MESSAGE in response.content.decode()
    assert 'href="/"' in response.content.decode()


def test_the_api_refuses_one_file_too_many_with_a_json_message(world):
    client = _office(world)

    response = client.post("/api/v1/imports?town=xinmiao", _files(LIMIT + 1, "file"))

    assert response.status_code == 400
    assert response.json() == {"detail": ZH_MESSAGE, "errors": []}


def test_exactly_the_limit_passes_the_door(world):
    client = _office(world)

    response = client.post(
        reverse("activities:evidence-upload", args=[world.lecture.pk]), {"kind": "photo", **_files(LIMIT)}
    )

    assert response.status_code == 302
    assert Evidence.objects.filter(activity=world.lecture).count() == LIMIT
