from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "communityedu.organization"
    label = "organization"
