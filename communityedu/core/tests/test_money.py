from decimal import Decimal

from django.template import Context, Template

from communityedu.core.money import api_yuan, fen_to_yuan, format_yuan, yuan_to_fen


def test_fen_to_yuan_gives_two_places():
    assert fen_to_yuan(7000000) == Decimal("70000.00")
    assert str(fen_to_yuan(7000000)) == "70000.00"
    assert str(fen_to_yuan(1)) == "0.01"
    assert str(fen_to_yuan(-250)) == "-2.50"


def test_yuan_to_fen_is_exact():
    assert yuan_to_fen(Decimal("70000.00")) == 7000000
    assert yuan_to_fen("0.015") == 2
    assert yuan_to_fen(3) == 300


def test_format_yuan_groups_thousands_with_two_places():
    assert format_yuan(Decimal("70000")) == "¥70,000.00"
    assert format_yuan(2) == "¥2.00"
    assert format_yuan(Decimal("2.255")) == "¥2.26"
    assert format_yuan("1234567.8") == "¥1,234,567.80"
    assert format_yuan(Decimal("-300.5")) == "-¥300.50"


def test_format_yuan_shows_a_dash_for_no_amount():
    assert format_yuan(None) == "—"


def test_api_yuan_is_a_plain_decimal_string():
    assert api_yuan(Decimal("70000")) == "70000.00"
    assert api_yuan(Decimal("1234567.891")) == "1234567.89"
    assert api_yuan(0) == "0.00"
    assert api_yuan(None) is None


def test_yuan_template_filter_formats_an_amount():
    rendered = Template("{% load money %}{{ amount|yuan }}|{{ missing|yuan }}").render(
        Context({"amount": Decimal("70000.00"), "missing": None})
    )
    assert rendered == "¥70,000.00|—"
