"""Captions for videos and recordings: WebVTT or SubRip in UTF-8 or GBK, checked on upload, played
by the page's <track>, read as a transcript under the player, given by the API."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.core.models import AuditLogEntry
from communityedu.learning import services
from communityedu.learning.captions import check_captions
from communityedu.learning.constants import ResourceKind
from communityedu.learning.models import Resource
from communityedu.learning.tests.factories import DEMO_MEDIA, category, resource

VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n两手托天<b>理三焦</b>\n\n00:00:04.000 --> 00:00:06.000\n慢慢   吸气\n"
SRT = "1\r\n00:00:01,000 --> 00:00:03,000\r\n不转账\r\n\r\n2\r\n00:00:03,000 --> 00:00:05,500\r\n不透露验证码\r\n"


def _upload(text: str | bytes, name="字幕.vtt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/plain")


def _problem(upload) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        check_captions(upload)
    return refused.value.messages


def test_webvtt_is_kept_and_its_text_becomes_the_transcript():
    captions = check_captions(_upload(VTT))
    assert captions.cues == 2
    assert captions.vtt == VTT  # already WebVTT: unchanged
    assert captions.transcript == "两手托天理三焦\n慢慢 吸气"  # markup and extra spaces gone


def test_subrip_from_a_windows_tool_in_gbk_becomes_webvtt():
    captions = check_captions(_upload(SRT.encode("gbk"), name="反诈.srt"))
    assert (
        captions.vtt
        == "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n不转账\n\n00:00:03.000 --> 00:00:05.500\n不透露验证码\n"
    )
    assert captions.transcript == "不转账\n不透露验证码"


def test_what_is_not_captions_is_refused_saying_why():
    assert _problem(_upload("这是一段普通的文字，没有时间轴。")) == [
        "字幕文件既不是 WebVTT 也不是 SubRip（.srt）格式：Invalid format。"
    ]
    assert _problem(_upload("WEBVTT\n\n")) == ["字幕文件中没有字幕。"]
    assert _problem(_upload(b"\xff\xfe\x00\xd8\x00\x00\xff")) == ["字幕文件不是 UTF-8 或 GBK 编码的文本。"]
    assert _problem(_upload("WEBVTT\n\n" + "00:00:01.000 --> 00:00:02.000\n字\n\n" * 20_000)) == [
        "字幕文件大小为 684 KB，最多 512 KB。"  # 700,008 bytes
    ]


@pytest.fixture
def video(world):
    return resource(world, kind=ResourceKind.VIDEO, title="八段锦跟练")


def test_staff_add_captions_to_a_video_and_residents_get_the_track_and_the_transcript(world, video, sign_in, client):
    staff = sign_in("school")
    form = {
        "kind": "video",
        "title": "八段锦跟练",
        "category": category(world).pk,
        "owner_unit": world.school.pk,
        "captions_file": _upload(SRT, name="八段锦.srt"),
    }
    assert staff.post(f"/learning/shelf/{video.pk}/edit/", form).status_code == 302
    video.refresh_from_db()
    assert video.captions_file.name.startswith(f"learning/{world.xinmiao.pk}/")
    assert video.captions_file.name.endswith(".vtt")
    assert video.transcript == "不转账\n不透露验证码"
    entry = AuditLogEntry.objects.filter(object_type="learning.Resource", action="update").latest("pk")
    assert entry.changes["captions_file"] == [None, video.captions_file.name]

    client.logout()
    resident = sign_in("resident")
    page = resident.get(f"/learning/resources/{video.pk}/").content.decode()
    assert (
        f'<track kind="captions" srclang="zh" label="中文字幕" src="/learning/resources/{video.pk}/captions.vtt" default>'
        in page
    )
    assert "<summary>文字稿（读一读）</summary>" in page
    assert "<p>不透露验证码</p>" in page
    served = resident.get(f"/learning/resources/{video.pk}/captions.vtt")
    assert (served.status_code, served["Content-Type"]) == (200, "text/vtt; charset=utf-8")
    assert served.content.decode().startswith("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n不转账")

    api = resident.get(f"/api/v1/learning/resources/{video.pk}").json()
    assert (api["captions_url"], api["transcript"]) == (
        f"/learning/resources/{video.pk}/captions.vtt",
        "不转账\n不透露验证码",
    )


def test_bad_captions_are_refused_on_the_form_and_nothing_changes(world, video, sign_in):
    staff = sign_in("school")
    before = (Resource.objects.get(pk=video.pk).captions_file.name, AuditLogEntry.objects.count())
    response = staff.post(
        f"/learning/shelf/{video.pk}/edit/",
        {
            "kind": "video",
            "title": "八段锦跟练",
            "category": category(world).pk,
            "owner_unit": world.school.pk,
            "captions_file": _upload("not captions", name="x.vtt"),
        },
    )
    assert response.status_code == 200
    assert "字幕文件既不是 WebVTT 也不是 SubRip（.srt）格式：Invalid format。" in response.content.decode()
    assert (Resource.objects.get(pk=video.pk).captions_file.name, AuditLogEntry.objects.count()) == before


def test_captions_are_for_videos_and_recordings_only(world):
    values = {
        "kind": ResourceKind.ARTICLE,
        "title": "防诈骗",
        "summary": "",
        "body": "正文",
        "category": category(world),
        "tags": "",
        "audience": "",
        "owner_unit": world.school,
        "link_url": "",
    }
    with pytest.raises(ValidationError) as refused:
        services.save_resource(actor=None, town=world.xinmiao, values=values, captions_upload=_upload(VTT))
    assert refused.value.message_dict == {"captions_file": ["只有视频和音频可以添加字幕。"]}
    assert not Resource.objects.exists()


def test_a_video_without_captions_has_no_track_and_no_captions_address(world, video, sign_in):
    resident = sign_in("resident")
    page = resident.get(f"/learning/resources/{video.pk}/").content.decode()
    assert "<track" not in page
    assert resident.get(f"/learning/resources/{video.pk}/captions.vtt").status_code == 404


def test_the_demo_captions_are_read(world):
    assert check_captions(_upload((DEMO_MEDIA / "baduanjin.vtt").read_bytes())).cues == 4
    assert check_captions(_upload((DEMO_MEDIA / "anti-fraud-case.srt").read_bytes(), name="a.srt")).cues == 3


def test_an_unpublished_video_s_captions_are_not_served_to_residents(world, sign_in):
    draft = resource(world, kind=ResourceKind.VIDEO, title="未发布", publish=False)
    services.save_resource(
        actor=None,
        town=world.xinmiao,
        resource=draft,
        captions_upload=_upload(VTT),
        values={
            "kind": ResourceKind.VIDEO,
            "title": "未发布",
            "summary": "",
            "body": "",
            "category": draft.category,
            "tags": "",
            "audience": "",
            "owner_unit": world.school,
            "link_url": "",
        },
    )
    assert sign_in("resident").get(f"/learning/resources/{draft.pk}/captions.vtt").status_code == 404


def test_the_shelf_flags_videos_and_recordings_without_captions(world, video, sign_in):
    captioned = resource(world, kind=ResourceKind.VIDEO, title="八段锦跟练（带字幕）", captions="baduanjin.vtt")
    resource(world, title="防诈骗须知")  # an article: captions do not apply
    staff = sign_in("school")
    rows = {
        title: row
        for row in staff.get("/learning/shelf/").content.decode().split("<tr>")
        for title in ("八段锦跟练</a>", "八段锦跟练（带字幕）</a>", "防诈骗须知</a>")
        if title in row
    }
    assert '<span class="badge flag">无字幕</span>' in rows["八段锦跟练</a>"]
    assert "无字幕" not in rows["八段锦跟练（带字幕）</a>"]
    assert "无字幕" not in rows["防诈骗须知</a>"]
    assert (
        '<span id="captions-status">字幕：4 条</span>'
        in staff.get(f"/learning/shelf/{captioned.pk}/edit/").content.decode()
    )
    assert (
        "尚无字幕：可在下方添加 .vtt 或 .srt 字幕文件。"
        in staff.get(f"/learning/shelf/{video.pk}/edit/").content.decode()
    )
