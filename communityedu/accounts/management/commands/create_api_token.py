from django.core.management.base import BaseCommand, CommandError

from communityedu.accounts import services
from communityedu.accounts.models import User


class Command(BaseCommand):
    help = "Create a bearer token for USERNAME's device and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, e.g. 'check-in tablet 1'.")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}.")
        self.stdout.write(services.create_api_token(user=user, name=name))
