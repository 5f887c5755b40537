"""A media file is accepted for what its bytes are, and within the size limit."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.core.models import AuditLogEntry
from communityedu.learning.models import Resource
from communityedu.learning.tests.factories import DEMO_MEDIA, category, pdf_upload, resource, webm_upload
from conftest import png_bytes


def _form(world, **values):
    return {
        "kind": "video",
        "title": "太极拳入门教学",
        "category": category(world).pk,
        "owner_unit": world.school.pk,
        **values,
    }


def test_staff_upload_a_video_and_it_is_stored_under_a_random_name(world, sign_in):
    response = sign_in("school").post("/learning/shelf/new/", _form(world, media_file=webm_upload("../../太极拳.webm")))

    video = Resource.objects.get()
    assert response.status_code == 302
    assert video.media_type == "video/webm"
    assert video.media_bytes == (DEMO_MEDIA / "taijiquan.webm").stat().st_size
    assert video.media_file.name.startswith(f"learning/{world.xinmiao.pk}/")
    assert video.media_file.name.endswith(".webm")
    assert "太极拳" not in video.media_file.name
    assert video.is_published is False
    assert AuditLogEntry.objects.filter(object_type="learning.Resource", action="create").count() == 1


def test_a_picture_named_like_a_video_is_refused(world, sign_in):
    disguised = SimpleUploadedFile("太极拳.webm", png_bytes(), content_type="video/webm")

    response = sign_in("school").post("/learning/shelf/new/", _form(world, media_file=disguised))

    assert response.status_code == 200
    assert response.context["form"].errors["media_file"] == ["这个文件不是 WebM 或 MP4 视频。"]
    assert Resource.objects.count() == 0


def test_a_pdf_is_refused_as_a_video_and_a_video_as_a_document(world):
    values = {"title": "x", "category": category(world), "owner_unit": world.school}
    with pytest.raises(ValidationError):
        resource(world, kind="video", upload=pdf_upload(), **values)
    with pytest.raises(ValidationError):
        resource(world, kind="document", upload=webm_upload(), **values)
    assert Resource.objects.count() == 0


def test_a_file_above_the_limit_is_refused(world, sign_in, settings):
    settings.LEARNING_MAX_UPLOAD_BYTES = 1000

    response = sign_in("school").post("/learning/shelf/new/", _form(world, media_file=webm_upload()))

    assert response.context["form"].errors["media_file"][0].startswith("文件太大")
    assert Resource.objects.count() == 0


def test_a_video_without_a_file_is_refused(world, sign_in):
    response = sign_in("school").post("/learning/shelf/new/", _form(world))

    assert response.context["form"].errors["media_file"] == ["请上传这个资源的文件。"]


def test_a_centre_director_keeps_only_the_centre_s_resources(world, sign_in):
    client = sign_in("center")

    refused = client.post("/learning/shelf/new/", _form(world, kind="article", body="正文", owner_unit=world.school.pk))
    allowed = client.post(
        "/learning/shelf/new/", _form(world, kind="article", body="正文", owner_unit=world.yiyang_centre.pk)
    )

    assert "owner_unit" in refused.context["form"].errors
    assert allowed.status_code == 302
    assert list(Resource.objects.values_list("owner_unit", flat=True)) == [world.yiyang_centre.pk]
