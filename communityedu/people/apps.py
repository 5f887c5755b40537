from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "communityedu.people"
    label = "people"
