"""One reading of answers for every way in: numbers, labels, 是/否, choice numbers or texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communityedu.surveys.answers import AnswerError, check_answer
from communityedu.surveys.models import Choice, Question


def _question(kind: str, *, choices=(), standard_key="", is_required=True) -> Question:
    question = Question(pk=1, kind=kind, text="问题", standard_key=standard_key, is_required=is_required)
    # Unsaved: the choices are given as the prefetch the gates provide.
    question._prefetched_objects_cache = {
        "choices": [Choice(pk=n, text=text, position=n) for n, text in enumerate(choices, start=1)]
    }
    return question


@given(point=st.integers(min_value=1, max_value=5), as_float=st.booleans(), spaces=st.text(" ", max_size=2))
def test_a_scale_point_reads_as_itself_however_it_is_written(point, as_float, spaces):
    raw = float(point) if as_float else f"{spaces}{point}{spaces}"

    assert check_answer(_question("scale", standard_key="satisfaction"), raw).value == point


@given(point=st.integers().filter(lambda n: not 1 <= n <= 5))
def test_a_point_off_the_scale_is_refused(point):
    with pytest.raises(AnswerError):
        check_answer(_question("scale"), str(point))


@pytest.mark.parametrize(("raw", "value"), [("是", 1), ("1", 1), ("Y", 1), ("否", 0), ("0", 0), ("no", 0), (1.0, 1)])
def test_yes_and_no_in_the_ways_clerks_write_them(raw, value):
    assert check_answer(_question("yes_no"), raw).value == value


def test_a_scale_label_reads_as_its_point():
    assert check_answer(_question("scale", standard_key="satisfaction"), "比较满意").value == 4


def test_choices_by_number_or_text_and_several_for_multiple_choice():
    single = _question("single_choice", choices=["讲座", "培训", "文艺"])
    multiple = _question("multiple_choice", choices=["讲座", "培训", "文艺"])

    assert [c.text for c in check_answer(single, "培训").choices] == ["培训"]
    assert [c.text for c in check_answer(single, 3).choices] == ["文艺"]
    assert [c.text for c in check_answer(multiple, "1、3，1").choices] == ["讲座", "文艺"]
    with pytest.raises(AnswerError):
        check_answer(single, "4")


def test_blank_is_refused_when_required_and_skipped_when_optional():
    with pytest.raises(AnswerError):
        check_answer(_question("free_text"), "  ")
    assert check_answer(_question("free_text", is_required=False), "") is None
