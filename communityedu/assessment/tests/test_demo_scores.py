"""The demo town's self-assessment as of the evaluation date: every automatic score read from the
same figures the targets dashboard shows for that date."""

from datetime import date
from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from communityedu.assessment.models import EvidenceFile, ManualScore
from communityedu.assessment.selectors import conditions_overview, scored_tree, unit_assessment
from communityedu.metrics.figures import figures_for
from communityedu.organization.models import Town

AS_OF = date(2020, 12, 31)


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
    assert [(node.code, str(node.value), str(node.score)) for node in automatic] == [
        ("3.1", "2.26", "10.00"),
        ("4.1", "0.8750", "8.75"),
        ("4.2", "0.7184", "15.00"),
        ("5.1", "0.7368", "5.00"),
        ("5.2", "0.5556", "3.47"),
        ("5.3", "1.0000", "5.00"),
        ("6.1", "0.8316", "7.00"),
        ("6.2", "0.7835", "6.86"),
        ("6.3", "0.8442", "6.00"),
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
    assert tree.total == Decimal("89.71")
    assert [node.code for node in tree.gaps][:3] == ["2.2", "5.2", "4.1"]
    ranking = unit_assessment(town=town, year=2020, as_of=AS_OF)
    assert ranking[0].rank == 1
    assert all(Decimal(0) <= line.share <= Decimal(5) for line in ranking)
