from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from communityedu.organization import services


class Command(BaseCommand):
    help = (
        "Add a town to this deployment with its villages (each gets a learning centre and a committee)."
        " Running it again with the same slug adds only villages that are new."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name used in addresses, e.g. nantuo")
        parser.add_argument("--name", required=True, help="The town's name, e.g. 南沱镇")
        parser.add_argument("--district-code", required=True, help="e.g. 500102")
        parser.add_argument("--district-name", default="", help="e.g. 涪陵区 (needed if the district is new)")
        parser.add_argument("--code", default="", help="The town's administrative code")
        parser.add_argument(
            "--village", action="append", default=[], metavar="NAME[:CODE]", help="A village or community; repeat"
        )
        parser.add_argument("--programme-start", type=date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args, **options):
        villages = [tuple(v.split(":", 1)) if ":" in v else (v, "") for v in options["village"]]
        try:
            town = services.create_town(
                district_code=options["district_code"],
                district_name=options["district_name"] or options["district_code"],
                slug=options["slug"],
                name=options["name"],
                code=options["code"],
                villages=villages,
                programme_start=options["programme_start"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{town.slug}: {town.name}, {town.district.name}, {len(villages)} villages")
