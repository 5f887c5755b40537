import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communityedu.organization.models import Town
from communityedu.people import exports, imports
from communityedu.people.roster import RosterError


class Command(BaseCommand):
    help = (
        "Import a residents' roster (.xlsx, .xls, .csv) into a town's register. By default a roster with any"
        " invalid row writes nothing; --skip-invalid imports the valid rows. Re-importing creates no duplicates."
    )

    # The command only reads a file and writes the register: the checks of the whole project
    # (a second of start-up) are for the server and `manage.py check`.
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--town", required=True, help="The town's slug, e.g. xinmiao")
        parser.add_argument("--dry-run", action="store_true", help="Check and report; write nothing")
        parser.add_argument("--skip-invalid", action="store_true", help="Import the valid rows, report the rest")
        parser.add_argument("--report", metavar="OUT.xlsx", help="Write the rows with the reasons of their problems")
        parser.add_argument("--json", action="store_true", help="Print a machine-readable summary")

    def handle(self, *args, **options):
        town = Town.objects.filter(slug=options["town"]).first()
        if town is None:
            raise CommandError(f"No town with the slug {options['town']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        content = path.read_bytes()
        try:
            _roster, plan = imports.check_roster(town=town, content=content, file_name=path.name)
        except RosterError as error:
            raise CommandError(str(error)) from error
        problems = [p.as_dict() for p in plan.problems]
        if options["report"]:
            Path(options["report"]).write_bytes(
                exports.import_report_xlsx(content=content, file_name=path.name, problems=problems)
            )
        refused = bool(plan.problems) and not options["skip_invalid"]
        if options["dry_run"] or refused:
            summary = plan.summary()
        else:
            summary = imports.apply_plan(plan, actor=None, skip_invalid=options["skip_invalid"], label="import_people")
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, default=str))
        else:
            self.stdout.write(
                f"valid {summary['valid']}, created {summary['created']}, updated {summary['updated']},"
                f" unchanged {summary['unchanged']}, invalid {len(summary['invalid'])}"
            )
            for problem in summary["invalid"]:
                self.stdout.write(f"  row {problem['row']}, {problem['column']}: {problem['reason']}")
        if refused:
            raise CommandError(
                "The roster has invalid rows; nothing was imported (use --skip-invalid to import the valid rows)."
            )
