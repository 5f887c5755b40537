from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "communityedu.activities"
    label = "activities"
