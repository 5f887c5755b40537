"""The demo town's self-assessment as of the evaluation date: every automatic score read from the
same figures the targets dashboard shows for that date."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO

from django.core.management import call_command

from communityedu.assessment.constants import ScoringRule
from communityedu.assessment.models import EvidenceFile, ManualScore
from communityedu.assessment.selectors import conditions_overview, scored_tree, unit_assessment
from communityedu.metrics.figures import figures_for
from communityedu.organization.models import Town

AS_OF = date(2020, 12, 31)


def _expected_score(indicator, figure) -> Decimal:
    threshold = figure.threshold if indicator.threshold is None else indicator.threshold
    if indicator.rule == ScoringRule.PROPORTIONAL:
        share = min(Decimal(1), figure.value / threshold)
    else:
        share = Decimal(1) if figure.value >= threshold else Decimal(0)
    return (indicator.points * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_the_demo_self_assessment_reads_the_dashboards_figures(db, client):
    call_command("load_demo", stdout=StringIO())
    files, scores = EvidenceFile.objects.count(), ManualScore.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert (EvidenceFile.objects.count(), ManualScore.objects.count()) == (files, scores)
    town = Town.objects.get(slug="xinmiao")

    tree = scored_tree(town=town, year=2020, as_of=AS_OF)

    dashboard = {figure.key: figure for figure in figures_for(towns=[town], year=2020, as_of=AS_OF)[town.pk]}
    automatic = [node for node in tree.nodes if node.indicator.method == "figure"]
    assert len(automatic) == 9
    for node in automatic:
        figure = dashboard[node.indicator.source]
        assert (node.value, node.numerator, node.denominator) == (figure.value, figure.numerator, figure.denominator)
    # Each automatic score recounted from the dashboard's figure by the indicator's own points,
    # threshold and rule (so that other demo figures change the scores with them).
    assert [node.code for node in automatic] == ["3.1", "4.1", "4.2", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3"]
    assert [(node.code, node.score) for node in automatic] == [
        (node.code, _expected_score(node.indicator, dashboard[node.indicator.source])) for node in automatic
    ]
    # The school and 18 of the 19 centres keep their conditions; 7 items lack a value or a file.
    overview = conditions_overview(town=town, year=2020)
    assert (overview.complete(), overview.due(), overview.units_with_gaps) == (73, 80, 4)
    assert str(tree.node("1.2").score) == "9.13"
    assert [(node.code, str(node.score)) for node in tree.nodes if node.indicator.method == "manual"] == [
        ("1.1", "5.00"),
        ("1.3", "4.00"),
        ("2.1", "4.50"),
        ("2.2", "0.00"),
    ]
    assert tree.total == sum((node.score for node in tree.nodes if node.is_leaf), Decimal("0.00"))
    assert tree.total == sum((node.score for node in tree.nodes if node.indicator.level == 1), Decimal("0.00"))
    assert [node.code for node in tree.gaps][:3] == ["2.2", "5.2", "4.1"]
    ranking = unit_assessment(town=town, year=2020, as_of=AS_OF)
    assert ranking[0].rank == 1
    assert all(Decimal(0) <= line.share <= Decimal(5) for line in ranking)
