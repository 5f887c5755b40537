from decimal import Decimal

from communityedu.metrics.assessment_share import assessment_share


def test_the_share_is_the_score_scaled_to_five_percent_of_the_units_annual_assessment():
    assert assessment_share(Decimal("1"), Decimal("100")) == (Decimal("5.00"), Decimal("5.00"))
    assert assessment_share(Decimal("0.5714285714"), Decimal("100")) == (Decimal("2.86"), Decimal("5.00"))
    assert assessment_share(Decimal("0.5"), Decimal("120")) == (Decimal("3.00"), Decimal("6.00"))
    assert assessment_share(Decimal("0"), Decimal("80")) == (Decimal("0.00"), Decimal("4.00"))
    # half up at the cent: 0.125 × 5% × 100 = 0.625 → 0.63
    assert assessment_share(Decimal("0.125"), Decimal("100")) == (Decimal("0.63"), Decimal("5.00"))
