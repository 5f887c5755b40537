from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from communityedu.accounts import services
from communityedu.accounts.models import TokenScope, User


class Command(BaseCommand):
    help = (
        "Create a bearer token for USERNAME's device and print it alone on the last line (it is shown only "
        "once). --scope default: the account's rights without unmasking; unmask: with unmasking and "
        "unmasked exports; checkin: recording attendance only."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'check-in tablet 1'.")
        parser.add_argument(
            "--scope",
            default=TokenScope.DEFAULT,
            choices=TokenScope.values,
            help="What the token may do (default: the account's rights without unmasking).",
        )

    def handle(self, *args, username, name, scope, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        try:
            raw = services.create_api_token(user=user, name=name, scope=scope)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(raw)
