"""Names and titles typed on the pages refuse control characters and text made only of invisible
characters, with the form's message, and nothing is saved (``core/parsing.py``)."""

import pytest

from communityedu.activities.models import Activity
from communityedu.core.parsing import CONTROL_CHARACTERS_MESSAGE, INVISIBLE_ONLY_MESSAGE
from communityedu.organization.models import Unit
from communityedu.tests.test_role_matrix import _activity_form, _unit_form


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("太极拳\x07培训", CONTROL_CHARACTERS_MESSAGE),
        ("太极拳\n培训", CONTROL_CHARACTERS_MESSAGE),
        ("\u200b\u200b", INVISIBLE_ONLY_MESSAGE),
        ("\u3164", INVISIBLE_ONLY_MESSAGE),
    ],
)
def test_an_activity_title_with_control_or_only_invisible_characters_is_refused(world, sign_in, title, message):
    before = Activity.objects.count()

    response = sign_in("office").post("/activities/new/", _activity_form(world) | {"title": title})

    assert response.status_code == 200
    assert str(message) in response.context["form"].errors["title"]
    assert Activity.objects.count() == before


def test_a_unit_name_of_zero_width_spaces_is_refused(world, sign_in):
    response = sign_in("office").post("/org/units/new/", _unit_form(world) | {"name": "\u200b\u200c\u200d"})

    assert str(INVISIBLE_ONLY_MESSAGE) in response.context["form"].errors["name"]
    assert not Unit.objects.filter(name__contains="\u200b").exists()


def test_an_ordinary_title_passes(world, sign_in):
    response = sign_in("office").post("/activities/new/", _activity_form(world) | {"title": "太极拳培训 第2期"})

    assert response.status_code == 302
    assert Activity.objects.filter(title="太极拳培训 第2期").exists()
