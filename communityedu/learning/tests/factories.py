"""Learning resources for tests, made through the services."""

from __future__ import annotations

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.learning import services
from communityedu.learning.constants import ResourceKind
from communityedu.learning.models import Category

DEMO_MEDIA = Path(__file__).resolve().parents[2] / "demo" / "media"  # the demo's media files


def webm_upload(name: str = "太极拳.webm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DEMO_MEDIA / "taijiquan.webm").read_bytes(), content_type="video/webm")


def pdf_upload(name: str = "提示.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DEMO_MEDIA / "anti-fraud-tips.pdf").read_bytes(), content_type="application/pdf")


def category(world, name: str = "健康养生", town=None) -> Category:
    town = town or world.xinmiao
    services.ensure_categories(town=town)
    return Category.objects.get(town=town, name=name)


def resource(
    world,
    *,
    title="太极拳入门教学",
    kind=ResourceKind.ARTICLE,
    publish=True,
    town=None,
    upload=None,
    captions=None,
    **values,
):
    """A resource of 新妙镇 kept by its community school, published unless ``publish`` is False;
    ``captions``: the name of a captions file of the demo media, for a video or a recording."""
    town = town or world.xinmiao
    values = {
        "kind": kind,
        "title": title,
        "summary": values.pop("summary", ""),
        "body": values.pop("body", "第一段。\n\n第二段。" if kind == ResourceKind.ARTICLE else ""),
        "category": values.pop("category", None) or category(world, values.pop("category_name", "健康养生"), town),
        "tags": values.pop("tags", ""),
        "audience": values.pop("audience", ""),
        "owner_unit": values.pop("owner_unit", world.school),
        "link_url": values.pop("link_url", ""),
        **values,
    }
    if kind == ResourceKind.VIDEO and upload is None:
        upload = webm_upload()
    captions_upload = (
        SimpleUploadedFile(captions, (DEMO_MEDIA / captions).read_bytes(), content_type="text/vtt")
        if captions
        else None
    )
    made = services.save_resource(
        actor=world.accounts["office"], town=town, values=values, upload=upload, captions_upload=captions_upload
    )
    if publish:
        made = services.set_published(actor=world.accounts["office"], resource=made, is_published=True)
    return made
