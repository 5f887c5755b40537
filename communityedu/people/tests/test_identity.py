"""Parsers of what clerks type: ID numbers, phones, dates."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from communityedu.people.identity import (
    id_check_digit,
    mask_id_number,
    parse_date,
    parse_id_number,
    parse_phone,
)

birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31))
regions = st.sampled_from(["500102", "110101", "440305"])
sequences = st.integers(min_value=0, max_value=999)
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def make_id(region: str, born: date, sequence: int) -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


@given(regions, birth_dates, sequences)
def test_a_valid_id_number_gives_its_birth_date_and_sex(region, born, sequence):
    parsed = parse_id_number(make_id(region, born, sequence))

    assert parsed.birth_date == born
    assert parsed.sex == ("M" if sequence % 2 else "F")


@given(regions, birth_dates, sequences, st.sampled_from([" ", "\u3000", "-"]))
def test_full_width_digits_spaces_and_a_lower_case_x_are_read(region, born, sequence, separator):
    value = make_id(region, born, sequence)
    typed = f" {value[:6]}{separator}{value[6:14]}{separator}{value[14:]} ".translate(FULL_WIDTH).replace("Ｘ", "ｘ")

    assert parse_id_number(typed).value == value


@given(regions, birth_dates, sequences, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_breaks_the_check(region, born, sequence, position, delta):
    value = make_id(region, born, sequence)
    typo = value[:position] + str((int(value[position]) + delta) % 10) + value[position + 1 :]

    with pytest.raises(ValueError, match=r".+"):
        parse_id_number(typo)


def test_the_x_check_digit_is_accepted():
    assert parse_id_number("11010519491231002X").sex == "F"


@pytest.mark.parametrize("bad", ["", "12345", "5001021956030212345", "50010219560230123X", "500102195603O21234"])
def test_malformed_id_numbers_are_refused(bad):
    with pytest.raises(ValueError, match=r".+"):
        parse_id_number(bad)


@given(
    st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", " ", "-"])
)
def test_mobile_numbers_with_spaces_or_dashes_are_read(second, rest, separator):
    number = f"1{second}{rest}"
    typed = f"{number[:3]}{separator}{number[3:7]}{separator}{number[7:]}"

    assert parse_phone(typed) == number
    assert parse_phone(typed.translate(FULL_WIDTH)) == number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("023-72345678", "02372345678"), ("(023) 7234 5678", "02372345678"), ("+86 138 0000 8000", "13800008000")],
)
def test_landlines_with_area_code_and_international_prefix(typed, expected):
    assert parse_phone(typed) == expected


@pytest.mark.parametrize("bad", ["12800008000", "1380000800", "7234567", "电话"])
def test_not_phone_numbers_are_refused(bad):
    with pytest.raises(ValueError, match=r".+"):
        parse_phone(bad)


@given(birth_dates)
def test_dates_are_read_in_every_way_clerks_write_them(day):
    for typed in (
        day.isoformat(),
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month:02d}/{day.day:02d}",
        f"{day:%Y%m%d}",
        datetime(day.year, day.month, day.day),
        (day - date(1899, 12, 30)).days,
    ):
        assert parse_date(typed) == day, typed


@pytest.mark.parametrize("bad", ["1965-02-30", "去年", "65.3.2", ""])
def test_impossible_or_unreadable_dates_are_refused(bad):
    with pytest.raises(ValueError, match=r".+"):
        parse_date(bad)


def test_masks_keep_the_region_and_the_last_four():
    assert mask_id_number("50010219560302123X") == "500102********123X"
    assert parse_date(float(23803)) == date(1965, 3, 2)
    assert date(1899, 12, 30) + timedelta(days=23803) == date(1965, 3, 2)
