from django.apps import AppConfig


class IncentivesConfig(AppConfig):
    name = "communityedu.incentives"
    label = "incentives"
