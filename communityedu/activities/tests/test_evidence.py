"""Evidence of activities: files checked by their content, kept safely, served only through the gate."""

from __future__ import annotations

import io
import re
import struct
import zlib
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.utils import timezone, translation
from PIL import Image

from communityedu.activities import evidence as evidence_services
from communityedu.activities.models import Evidence
from communityedu.activities.selectors import month_bounds
from communityedu.activities.tests.factories import activity
from communityedu.core.files import display_name
from communityedu.core.models import AuditAction, AuditLogEntry

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    settings.MEDIA_ROOT = folder
    return folder


def _picture(image_format: str, size=(640, 480), color="red", **options) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, color).save(output, image_format, **options)
    return output.getvalue()


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces ``width`` × ``height`` pixels in a few bytes (a decompression bomb's header)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _files_under(folder) -> list[str]:
    """Files in MEDIA_ROOT, leaving out the roster the world's fixture keeps under imports/."""
    paths = (path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file())
    return sorted(path for path in paths if not path.startswith("imports/"))


def _evidence_section(response) -> str:
    page = response.content.decode()
    return page[page.index('<section class="card" id="evidence">') :].split("</section>", 1)[0]


def _attach(world, content: bytes, name: str, kind="photo", target=None) -> Evidence:
    return evidence_services.attach_evidence(
        actor=world.accounts["office"],
        activity=target or world.lecture,
        kind=kind,
        upload=File(io.BytesIO(content), name=name),
    )


def _in_english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _upload(client, world, *files, kind="photo"):
    return client.post(f"/activities/{world.lecture.pk}/evidence/", {"kind": kind, "files": list(files)})


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# ---- what is accepted -------------------------------------------------------------------------


def test_a_png_photo_is_kept_with_a_thumbnail_of_at_most_320_pixels(world, sign_in, media):
    png = _picture("PNG", size=(1200, 900))
    client = sign_in("school")

    response = _upload(client, world, SimpleUploadedFile("合影.png", png, content_type="image/png"))

    evidence = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/activities/{world.lecture.pk}/#evidence"
    assert (evidence.kind, evidence.original_name, evidence.content_type, evidence.size) == (
        "photo", "合影.png", "image/png", len(png),
    )  # fmt: skip
    assert (media / evidence.file).read_bytes() == png
    thumbnail = client.get(f"/activities/evidence/{evidence.pk}/thumbnail/")
    assert thumbnail["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(_body(thumbnail))) as picture:
        assert picture.format == "JPEG"
        assert max(picture.size) <= 320
        assert picture.size == (320, 320)


def test_a_jpeg_is_stored_under_its_town_and_activity_with_an_upright_thumbnail(world, media):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: turn the picture a quarter to the right
    jpeg = _picture("JPEG", size=(400, 200), exif=exif.tobytes())

    evidence = _attach(world, jpeg, "IMG_0001.JPG")

    folder = f"evidence/{world.xinmiao.pk}/{world.lecture.pk}"
    assert re.fullmatch(rf"{folder}/[0-9a-f]{{32}}\.jpg", evidence.file)
    assert evidence.thumbnail == evidence.file.removesuffix(".jpg") + ".thumbnail.jpg"
    assert evidence.content_type == "image/jpeg"
    assert _files_under(media) == sorted([evidence.file, evidence.thumbnail])
    with Image.open(media / evidence.thumbnail) as thumbnail:
        assert thumbnail.size == (320, 320)
        inside, beside = thumbnail.getpixel((160, 10)), thumbnail.getpixel((20, 160))
    assert inside[0] > 200  # the picture, now 160 wide and 320 high, is red
    assert inside[1] < 60
    assert min(beside) > 240  # and white paper on its left


def test_a_webp_photo_is_accepted(world):
    evidence = _attach(world, _picture("WEBP"), "照片.webp")

    assert (evidence.content_type, evidence.file.rsplit(".", 1)[1]) == ("image/webp", "webp")
    assert evidence.thumbnail != ""


def test_a_pdf_is_accepted_without_a_thumbnail(world, sign_in, media):
    client = sign_in("office")

    _upload(client, world, SimpleUploadedFile("签到表.pdf", PDF, content_type="application/pdf"), kind="sign_in_sheet")

    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.content_type, evidence.thumbnail) == ("sign_in_sheet", "application/pdf", "")
    assert evidence.file.endswith(".pdf")
    assert (media / evidence.file).read_bytes() == PDF
    assert client.get(f"/activities/evidence/{evidence.pk}/thumbnail/").status_code == 404


def test_the_file_type_comes_from_the_content_not_the_name(world):
    evidence = _attach(world, _picture("PNG"), "扫描件.pdf", kind="document")

    assert evidence.content_type == "image/png"
    assert evidence.file.endswith(".png")
    assert evidence.original_name == "扫描件.png"


def test_a_pdf_named_as_a_web_page_is_stored_and_downloaded_under_the_pdf_extension(world, sign_in, media):
    client = sign_in("office")

    _upload(client, world, SimpleUploadedFile("通知.html", PDF, content_type="text/html"), kind="document")
    evidence = Evidence.objects.get()
    download = client.get(f"/activities/evidence/{evidence.pk}/file/")

    assert re.fullmatch(rf"evidence/{world.xinmiao.pk}/{world.lecture.pk}/[0-9a-f]{{32}}\.pdf", evidence.file)
    assert (evidence.original_name, evidence.content_type) == ("通知.pdf", "application/pdf")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == "inline; filename*=UTF-8''%E9%80%9A%E7%9F%A5.pdf"
    assert _body(download) == PDF


def test_a_label_keeps_an_extension_that_names_the_same_type(world):
    evidence = _attach(world, _picture("JPEG"), "IMG_0002.JPEG")

    assert (evidence.original_name, evidence.file.rsplit(".", 1)[1]) == ("IMG_0002.JPEG", "jpg")


# ---- what is refused ----------------------------------------------------------------------------


def test_a_text_file_named_jpg_is_refused_and_nothing_is_stored(world, sign_in, media):
    client = _in_english(sign_in("office"))

    response = _upload(
        client, world, SimpleUploadedFile("合影.jpg", b"not a picture at all\n", content_type="image/jpeg")
    )

    assert response.status_code == 302
    assert _messages(response) == ["合影.jpg: only photos (JPEG, PNG, WebP) and PDF files are accepted."]
    assert Evidence.objects.count() == 0
    assert _files_under(media) == []
    assert not AuditLogEntry.objects.filter(object_type="activities.Evidence").exists()


POLYGLOT_PDF = b"%PDF-1.4\n%<!DOCTYPE html><HTML><body><script>alert(document.cookie)</script>\n" + PDF[9:]


def _png_with_text(text: str) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", text)
    return _picture("PNG", size=(64, 64), pnginfo=info)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("通知.pdf", POLYGLOT_PDF),
        ("合影.png", _png_with_text("<ScRiPt src=//example.org/x.js></script>")),
        ("合影2.png", _png_with_text("<!doctype html><p>hi")),
    ],
)
def test_a_photo_or_pdf_that_is_also_a_web_page_is_refused_and_nothing_is_stored(world, sign_in, media, name, content):
    client = _in_english(sign_in("office"))

    response = _upload(client, world, SimpleUploadedFile(name, content, content_type="application/octet-stream"))

    assert response.status_code == 302
    assert _messages(response) == [
        f"{name} holds web-page code (HTML or script) besides a photo or PDF; such files are not accepted."
    ]
    assert Evidence.objects.count() == 0
    assert _files_under(media) == []
    assert not AuditLogEntry.objects.filter(object_type="activities.Evidence").exists()


def test_markup_after_the_first_kilobyte_of_a_picture_does_not_refuse_it(world):
    # the sniffing that matters reads the start of a file; a photo's later bytes are its own business
    content = _picture("PNG", size=(64, 64)) + b"\0" * 1024 + b"<script>"

    evidence = _attach(world, content, "合影.png")

    assert evidence.content_type == "image/png"


def test_a_file_over_the_size_limit_is_refused(world, sign_in, settings, media):
    settings.EVIDENCE_MAX_BYTES = 1024
    client = _in_english(sign_in("office"))

    response = _upload(client, world, SimpleUploadedFile("会议记录.pdf", PDF + b"0" * 1024))

    assert _messages(response) == ["会议记录.pdf is larger than 1.0\xa0KB."]
    assert Evidence.objects.count() == 0
    assert _files_under(media) == []


def test_a_file_just_at_the_size_limit_is_accepted(world, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF)

    assert _attach(world, PDF, "a.pdf", kind="document").size == len(PDF)


@pytest.mark.parametrize(("width", "height"), [(30_000, 30_000), (10_000, 10_000)])
def test_a_picture_of_huge_pixel_size_is_refused_before_it_is_decoded(world, media, width, height):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _attach(world, _png_header_only(width, height), "全景.png")

    assert refused.value.messages == [
        "全景.png: the picture has too many pixels to process; make it smaller and upload it again."
    ]
    assert Evidence.objects.count() == 0
    assert _files_under(media) == []


def test_a_damaged_picture_is_refused(world):
    truncated = _picture("PNG", size=(800, 600))[:200]

    with pytest.raises(ValidationError):
        _attach(world, truncated, "坏图.png")
    assert Evidence.objects.count() == 0


def test_an_activity_keeps_at_most_30_live_files(world):
    kept = [_attach(world, PDF, f"第{number}页.pdf", kind="document") for number in range(30)]

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _attach(world, PDF, "第31页.pdf", kind="document")
    evidence_services.remove_evidence(actor=world.accounts["office"], evidence=kept[0], reason="重复")
    _attach(world, PDF, "第31页.pdf", kind="document")

    assert refused.value.messages == ["第31页.pdf: this activity already has 30 files; remove one before adding more."]
    assert Evidence.objects.filter(is_removed=False).count() == 30


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError):
        _attach(world, PDF, "a.pdf", kind="selfie")
    assert Evidence.objects.count() == 0


def test_the_written_files_are_removed_when_the_database_write_fails(world, media, monkeypatch):
    def database_down(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(evidence_services.audit, "record_change", database_down)

    with pytest.raises(DatabaseError):
        _attach(world, _picture("PNG"), "合影.png")

    assert Evidence.objects.count() == 0
    assert _files_under(media) == []


def test_several_files_at_once_each_refused_file_gets_its_own_message(world, sign_in):
    client = _in_english(sign_in("school"))

    response = _upload(
        client,
        world,
        SimpleUploadedFile("合影.png", _picture("PNG")),
        SimpleUploadedFile("病毒.jpg", b"MZ\x90\x00 pretending"),
        SimpleUploadedFile("签到表.pdf", PDF),
        SimpleUploadedFile("说明.txt", "讲座说明".encode()),
    )

    assert sorted(Evidence.objects.values_list("original_name", flat=True)) == ["合影.png", "签到表.pdf"]
    assert _messages(response) == [
        "病毒.jpg: only photos (JPEG, PNG, WebP) and PDF files are accepted.",
        "说明.txt: only photos (JPEG, PNG, WebP) and PDF files are accepted.",
        "2 files added.",
    ]


# ---- names ------------------------------------------------------------------------------------


def test_a_path_in_the_file_name_is_dropped_and_the_file_stored_under_a_random_name(world, sign_in, media, tmp_path):
    evidence = _attach(world, _picture("PNG"), "../../etc/passwd.png")

    assert evidence.original_name == "passwd.png"
    assert re.fullmatch(rf"evidence/{world.xinmiao.pk}/{world.lecture.pk}/[0-9a-f]{{32}}\.png", evidence.file)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["media"]
    section = _evidence_section(_in_english(sign_in("office")).get(f"/activities/{world.lecture.pk}/"))
    assert 'alt="photo · passwd.png"' in section
    assert "etc/" not in section


@pytest.mark.parametrize(
    ("uploaded_as", "shown_as"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\王\\Desktop\\合影.jpg", "合影.jpg"),
        ("  签到表.pdf  ", "签到表.pdf"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("a\x00b.png", "ab.png"),
        ("..", ""),
        ("长" * 300 + ".jpg", "长" * 196 + ".jpg"),
    ],
)
def test_the_file_name_is_only_a_label_without_folders_or_control_characters(uploaded_as, shown_as):
    assert display_name(uploaded_as) == shown_as


def test_a_file_without_a_usable_name_is_labelled_by_its_type(world):
    assert _attach(world, PDF, "..", kind="document").original_name == "evidence.pdf"


# ---- serving through the gate -----------------------------------------------------------------


def test_the_file_is_served_inline_with_its_stored_type_and_original_name(world, sign_in):
    png = _picture("PNG")
    evidence = _attach(world, png, "活动照片.png")

    response = sign_in("evaluator").get(f"/activities/evidence/{evidence.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "inline; filename*=UTF-8''%E6%B4%BB%E5%8A%A8%E7%85%A7%E7%89%87.png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == png


def test_another_towns_staff_get_404_for_the_file(world, sign_in):
    evidence = _attach(world, _picture("PNG"), "合影.png")
    client = sign_in("nantuo")

    assert client.get(f"/activities/evidence/{evidence.pk}/file/").status_code == 404
    assert client.get(f"/activities/evidence/{evidence.pk}/thumbnail/").status_code == 404
    assert client.post(f"/activities/evidence/{evidence.pk}/remove/", {"reason": "x"}).status_code == 404
    assert Evidence.objects.get().is_removed is False


def test_a_district_evaluator_can_view_files_but_cannot_upload(world, sign_in, media):
    evidence = _attach(world, _picture("PNG"), "合影.png")
    client = sign_in("evaluator")

    page = client.get(f"/activities/{world.lecture.pk}/").content.decode()
    upload = _upload(client, world, SimpleUploadedFile("b.pdf", PDF))

    assert client.get(f"/activities/evidence/{evidence.pk}/file/").status_code == 200
    assert client.get(f"/activities/evidence/{evidence.pk}/thumbnail/").status_code == 200
    assert f'src="/activities/evidence/{evidence.pk}/thumbnail/"' in page
    assert 'enctype="multipart/form-data"' not in page
    assert upload.status_code == 403
    assert Evidence.objects.count() == 1
    assert _files_under(media) == sorted([evidence.file, evidence.thumbnail])


def test_a_missing_file_on_disk_is_404_not_an_error(world, sign_in, media):
    evidence = _attach(world, PDF, "a.pdf", kind="document")
    (media / evidence.file).unlink()

    assert sign_in("office").get(f"/activities/evidence/{evidence.pk}/file/").status_code == 404


# ---- the detail page and removal --------------------------------------------------------------


def test_the_detail_page_shows_thumbnails_links_and_the_upload_form_to_managers(world, sign_in):
    photo = _attach(world, _picture("PNG"), "合影.png")
    sheet = _attach(world, PDF, "签到表.pdf", kind="sign_in_sheet")

    page = _evidence_section(_in_english(sign_in("school")).get(f"/activities/{world.lecture.pk}/"))

    assert (
        f'<img class="evidence-thumbnail" src="/activities/evidence/{photo.pk}/thumbnail/" alt="photo · 合影.png"'
        ' width="160" height="160" loading="lazy">'
    ) in page
    assert f'href="/activities/evidence/{sheet.pk}/file/"' in page
    assert f'action="/activities/evidence/{photo.pk}/remove/"' in page
    assert f'<label class="visually-hidden" for="evidence-reason-{photo.pk}">' in page
    assert f'action="/activities/{world.lecture.pk}/evidence/" enctype="multipart/form-data"' in page
    assert (
        '<input id="evidence-files" type="file" name="files" multiple required accept="image/*,application/pdf"' in page
    )
    assert '<label for="evidence-kind">' in page


def test_removing_keeps_the_row_hides_the_file_and_is_audited(world, sign_in):
    evidence = _attach(world, _picture("PNG"), "拍错的照片.png")
    client = sign_in("office")

    response = client.post(f"/activities/evidence/{evidence.pk}/remove/", {"reason": "拍错了"})

    evidence.refresh_from_db()
    assert response["Location"] == f"/activities/{world.lecture.pk}/#evidence"
    assert (evidence.is_removed, evidence.removed_reason) == (True, "拍错了")
    page = client.get(f"/activities/{world.lecture.pk}/")
    assert list(page.context["evidence"]) == []
    assert "拍错的照片.png" not in _evidence_section(page)
    assert client.get(f"/activities/evidence/{evidence.pk}/file/").status_code == 404
    entry = AuditLogEntry.objects.get(object_type="activities.Evidence", action=AuditAction.UPDATE)
    assert (entry.actor, entry.object_id, entry.changes) == (
        world.accounts["office"], str(evidence.pk), {"is_removed": [False, True], "removed_reason": ["", "拍错了"]},
    )  # fmt: skip


def test_removing_needs_a_reason(world, sign_in):
    evidence = _attach(world, _picture("PNG"), "合影.png")
    client = _in_english(sign_in("office"))

    response = client.post(f"/activities/evidence/{evidence.pk}/remove/", {"reason": "   "})

    assert _messages(response) == ["Say why the file is removed."]
    evidence.refresh_from_db()
    assert evidence.is_removed is False
    assert not AuditLogEntry.objects.filter(object_type="activities.Evidence", action=AuditAction.UPDATE).exists()


def test_attaching_is_audited(world):
    evidence = _attach(world, PDF, "签到表.pdf", kind="sign_in_sheet")

    entry = AuditLogEntry.objects.get(object_type="activities.Evidence", action=AuditAction.CREATE)
    assert (entry.actor, entry.object_id, entry.town, entry.object_label) == (
        world.accounts["office"], str(evidence.pk), world.xinmiao, "签到表.pdf",
    )  # fmt: skip
    assert entry.changes == {
        "activity": [None, world.lecture.pk],
        "kind": [None, "sign_in_sheet"],
        "original_name": [None, "签到表.pdf"],
        "content_type": [None, "application/pdf"],
        "size": [None, len(PDF)],
    }


# ---- the month list -----------------------------------------------------------------------------


def test_the_month_list_shows_a_held_activity_as_without_evidence_until_a_file_is_attached(world, sign_in):
    lecture_start = timezone.localtime(world.lecture.starts_at)
    month_start, _month_end = month_bounds(lecture_start.year, lecture_start.month)
    held = activity(
        world, title="已举办的讲座", starts_at=max(lecture_start - timedelta(hours=1), month_start), hours=0.25
    )
    client = sign_in("office")
    url = f"/activities/?month={lecture_start:%Y-%m}"

    before = client.get(url)
    _attach(world, _picture("PNG"), "合影.png", target=held)
    after = client.get(url)

    def held_rows(response):
        return [(a.title, a.evidence_count) for a in response.context["activities"] if a.is_held()]

    assert held_rows(before) == [("已举办的讲座", 0)]
    assert before.context["without_evidence"] == 1
    assert before.content.decode().count('class="flag-badge"') == 1
    assert held_rows(after) == [("已举办的讲座", 1)]
    assert after.context["without_evidence"] == 0
    assert 'class="flag-badge"' not in after.content.decode()
