"""Unit pickers grouped by unit type: the organiser select with its optgroups, and meeting
invitations that take a whole type at once (``type:learning_centre``)."""

from __future__ import annotations

import re

from communityedu.organization.models import Unit
from communityedu.planning.models import Meeting, MeetingInvitation


def _groups(page: str, name: str) -> list[tuple[str, list[str]]]:
    """``(optgroup label, [option names])`` of the select called ``name``."""
    select = re.search(rf'<select [^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [
        (label, re.findall(r"<option [^>]*>([^<]+)</option>", options))
        for label, options in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    ]


def _meeting(**units) -> dict:
    return {"kind": "progress", "title": "学习中心工作推进会", "held_on": "2020-08-25", **units}


def test_the_organiser_picker_groups_the_units_by_type_in_the_order_of_the_types(world, sign_in):
    page = sign_in("office").get("/activities/new/").content.decode()

    assert _groups(page, "organiser") == [
        ("社区学校", ["新妙镇社区学校"]),
        ("社区学习中心", ["十字村社区学习中心", "弋阳村社区学习中心"]),
        ("党政机关", ["民政办"]),
        ("村（居）委会", ["十字村村委会", "弋阳村村委会"]),
    ]


def test_the_organiser_picker_carries_the_pinyin_its_filter_box_searches(world, sign_in):
    page = sign_in("office").get("/activities/new/").content.decode()

    assert (
        '<select name="organiser" data-unit-filter="" data-filter-label="按名称或拼音搜索单位" '
        'data-filter-count="%(count)s 个单位" required id="id_organiser">'
    ) in page
    assert f'<option value="{world.yiyang_centre.pk}" data-keys="yiyangcunshequxuexizhongxin yycsqxxzx">' in page
    assert '<script src="/static/js/unit-picker.js" defer></script>' in page


def test_the_month_list_filter_groups_its_units_by_type(world, sign_in):
    page = sign_in("office").get("/activities/?month=2026-11").content.decode()

    assert [label for label, _names in _groups(page, "unit")] == [
        "社区学校",
        "社区学习中心",
        "党政机关",
        "村（居）委会",
    ]


def test_a_meeting_invites_every_learning_centre_with_one_box(world, sign_in):
    response = sign_in("office").post(
        "/planning/meetings/new/",
        _meeting(invited=["type:learning_centre", world.civil_affairs.pk], attended=[world.yiyang_centre.pk]),
    )

    meeting = Meeting.objects.get(title="学习中心工作推进会")
    assert response.status_code == 302
    assert sorted(MeetingInvitation.objects.filter(meeting=meeting).values_list("unit__name", "attended")) == [
        ("十字村社区学习中心", False),
        ("弋阳村社区学习中心", True),
        ("民政办", False),
    ]


def test_a_whole_type_and_one_of_its_units_invite_that_unit_once(world, sign_in):
    sign_in("office").post(
        "/planning/meetings/new/", _meeting(invited=["type:learning_centre", world.yiyang_centre.pk])
    )

    invited = MeetingInvitation.objects.filter(meeting__title="学习中心工作推进会")
    assert sorted(invited.values_list("unit__name", flat=True)) == ["十字村社区学习中心", "弋阳村社区学习中心"]


def test_an_unknown_unit_type_is_refused_on_the_field_and_nothing_is_recorded(world, sign_in):
    response = sign_in("office").post("/planning/meetings/new/", _meeting(invited=["type:hospital"]))

    assert response.status_code == 400
    assert response.context["form"].errors["invited"] == ["“hospital”不是单位类型。"]
    assert not Meeting.objects.filter(title="学习中心工作推进会").exists()


def test_the_meeting_form_groups_its_checkboxes_by_type_each_with_a_box_for_the_whole_type(world, sign_in):
    page = sign_in("office").get("/planning/meetings/").content.decode()

    whole_types = re.findall(r'name="invited" value="(type:[a-z_]+)" data-unit-type-all> ([^<]+)</label>', page)
    assert whole_types == [
        ("type:learning_centre", "全部社区学习中心（2）"),
        ("type:village_committee", "全部村（居）委会（2）"),
    ]
    # A type with one unit (the community school) offers just that unit.
    assert (
        f'<legend>社区学校</legend>\n    <ul class="unit-options"><li><label for="id_invited_0_0"><input type="checkbox" name="invited" value="{world.school.pk}" id="id_invited_0_0">'
        in page
    )
    assert Unit.objects.filter(town=world.xinmiao).count() == 6
